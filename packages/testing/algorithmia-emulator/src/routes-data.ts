// `/v1/data/...`: PUT file, HEAD, GET file or directory listing, POST directory, DELETE (force).
import { DataStoreError } from './data-store.js';
import { type RequestContext, sendError, sendJson } from './server.js';

function owner(path: string): string {
  return path.split('/')[0] ?? '';
}

export function handleDataRoute(context: RequestContext) {
  const { req, res, url, data } = context;
  const method = req.method ?? 'GET';
  // `.my/` is the caller's own namespace.
  let path = decodeURIComponent(url.pathname.replace(/^\/v1\/data\/?/, '')).replace(
    /^\.my(?=\/|$)/,
    context.user,
  );
  path = path.replace(/\/+$/, '');
  const entry = data.get(path);
  try {
    if (method !== 'GET' && method !== 'HEAD' && owner(path) !== context.user) {
      return sendError(res, 403, `user ${context.user} cannot write to data://${path}`);
    }
    if (method === 'HEAD') {
      if (!entry) {
        res.writeHead(404, { 'x-error-message': `data://${path} does not exist` });
        return void res.end();
      }
      if (entry.kind === 'directory') {
        res.writeHead(200, { 'x-data-type': 'directory' });
        return void res.end();
      }
      res.writeHead(200, {
        'x-data-type': 'file',
        'content-length': entry.bytes.length,
        etag: `"${entry.md5}"`,
        'last-modified': entry.lastModified.toUTCString(),
      });
      return void res.end();
    }
    if (method === 'GET') {
      // `GET /v1/data/` lists the caller's root: the official clients' `username()` reads it.
      if (path === '')
        return sendJson(res, 200, { folders: [{ name: context.user }], files: [], marker: null });
      if (!entry) return sendError(res, 404, `data://${path} does not exist`);
      if (entry.kind === 'file') {
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': entry.bytes.length,
          etag: `"${entry.md5}"`,
          'x-data-type': 'file',
        });
        return void res.end(entry.bytes);
      }
      const listing = data.list(path);
      const body: Record<string, unknown> = {
        folders: listing.folders.map((name) => ({ name })),
        files: listing.files.map(({ name, file }) => ({
          filename: name,
          size: file.bytes.length,
          last_modified: file.lastModified.toISOString(),
        })),
        marker: null,
      };
      if (url.searchParams.get('acl') === 'true') body.acl = entry.acl ?? { read: [] };
      return sendJson(res, 200, body);
    }
    if (method === 'PUT') {
      const file = data.putFile(path, context.body, new Date());
      res.setHeader('etag', `"${file.md5}"`);
      return sendJson(res, 200, { result: `data://${path}` });
    }
    if (method === 'POST') {
      const request = JSON.parse(context.body.toString('utf8') || '{}') as { name?: string; acl?: unknown };
      const created = data.createDirectory(path, String(request.name ?? ''), request.acl);
      return sendJson(res, 200, { result: `data://${created}` });
    }
    if (method === 'PATCH') {
      if (entry?.kind !== 'directory') return sendError(res, 404, `directory data://${path} does not exist`);
      entry.acl = (JSON.parse(context.body.toString('utf8') || '{}') as { acl?: unknown }).acl ?? null;
      return sendJson(res, 200, {});
    }
    if (method === 'DELETE') {
      const deleted = data.delete(path, url.searchParams.get('force') === 'true');
      return sendJson(res, 200, { result: { deleted } });
    }
    return sendError(res, 405, `method ${method} is not supported on the data API`);
  } catch (error) {
    if (error instanceof DataStoreError) return sendError(res, error.status, error.message);
    if (error instanceof SyntaxError)
      return sendError(res, 400, `request body is not JSON: ${error.message}`);
    throw error;
  }
}
