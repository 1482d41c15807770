// Artifact rows and tags as the MLRun server keeps them: one row per (key, iter, tree), and
// a tag names at most one row per key, so tagging a new version moves the tag.
import { createHash } from 'node:crypto';

export type Json = Record<string, unknown>;

export interface ArtifactRow {
  uid: string;
  key: string;
  iter: number;
  tree: string;
  body: Json;
  updated: string;
}

export interface ArtifactIdentifier {
  kind?: string | null;
  key?: string | null;
  iter?: number | null;
  uid?: string | null;
  producer_id?: string | null;
}

export class ArtifactTable {
  readonly rows: ArtifactRow[] = [];
  /** `${key}\u0000${tag}` → uid */
  readonly tags = new Map<string, string>();

  store(key: string, body: Json, query: { tree?: string; iter?: number; tag?: string }): ArtifactRow {
    const metadata = (body.metadata ?? {}) as Json;
    const tree = query.tree ?? (metadata.tree as string | undefined) ?? '';
    const iter = query.iter ?? Number(metadata.iter ?? 0);
    const uid = createHash('sha1')
      .update(`${key}\0${iter}\0${tree}\0${JSON.stringify(body.spec ?? {})}`)
      .digest('hex');
    let row = this.rows.find((r) => r.key === key && r.iter === iter && r.tree === tree);
    const updated = new Date().toISOString();
    if (row) {
      const oldUid = row.uid;
      Object.assign(row, { uid, body, updated });
      for (const [name, holder] of this.tags) if (holder === oldUid) this.tags.set(name, uid);
    } else {
      row = { uid, key, iter, tree, body, updated };
      this.rows.push(row);
    }
    this.setTag(key, 'latest', uid);
    const tag = query.tag ?? (metadata.tag as string | undefined);
    if (tag) this.setTag(key, tag, uid);
    return row;
  }

  /** Deletes a row and the tags that named it. */
  remove(row: ArtifactRow): void {
    const index = this.rows.indexOf(row);
    if (index >= 0) this.rows.splice(index, 1);
    for (const [name, uid] of [...this.tags]) if (uid === row.uid) this.tags.delete(name);
  }

  rowByUid(uid: string): ArtifactRow | undefined {
    return this.rows.find((row) => row.uid === uid);
  }

  setTag(key: string, tag: string, uid: string): void {
    this.tags.set(`${key}\0${tag}`, uid);
  }

  tagsOf(row: ArtifactRow): string[] {
    return [...this.tags]
      .filter(([name, uid]) => uid === row.uid && name.startsWith(`${row.key}\0`))
      .map(([name]) => name.slice(row.key.length + 1));
  }

  find(filter: { key?: string; tag?: string; tree?: string; iter?: number; uid?: string }): ArtifactRow[] {
    return this.rows.filter((row) => {
      if (filter.key !== undefined && row.key !== filter.key) return false;
      if (filter.tree !== undefined && row.tree !== filter.tree) return false;
      if (filter.iter !== undefined && row.iter !== filter.iter) return false;
      if (filter.uid !== undefined && row.uid !== filter.uid) return false;
      if (
        filter.tag !== undefined &&
        filter.tag !== '*' &&
        this.tags.get(`${row.key}\0${filter.tag}`) !== row.uid
      )
        return false;
      return true;
    });
  }

  /** Resolves the identifiers of a tag request to rows; unknown ones are reported, not ignored. */
  resolve(identifiers: ArtifactIdentifier[]): { rows: ArtifactRow[]; missing: ArtifactIdentifier[] } {
    const rows: ArtifactRow[] = [];
    const missing: ArtifactIdentifier[] = [];
    for (const id of identifiers) {
      const found = this.find({
        key: id.key ?? undefined,
        tree: id.producer_id ?? undefined,
        iter: id.iter ?? undefined,
        uid: id.uid ?? undefined,
      });
      if (found.length === 0) missing.push(id);
      rows.push(...found);
    }
    return { rows, missing };
  }

  /** The artifact as the API returns it, with the tag it was asked for (or its first). */
  render(row: ArtifactRow, project: string, tag?: string): Json {
    const metadata = { ...((row.body.metadata ?? {}) as Json) };
    const shown =
      tag && tag !== '*' ? tag : (this.tagsOf(row).find((t) => t !== 'latest') ?? this.tagsOf(row)[0]);
    Object.assign(metadata, {
      key: row.key,
      project,
      iter: row.iter,
      tree: row.tree,
      uid: row.uid,
      updated: row.updated,
    });
    if (shown) metadata.tag = shown;
    else delete metadata.tag;
    return { ...row.body, metadata, status: row.body.status ?? {} };
  }
}
