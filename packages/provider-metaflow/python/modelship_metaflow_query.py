"""Reads Metaflow runs through the Metaflow client and prints one JSON document on stdout.

    python modelship_metaflow_query.py run FLOW/RUN_ID [--artifact NAME]... [--namespace NS]
    python modelship_metaflow_query.py select FLOW --tag TAG [--artifact NAME] [--namespace NS]
        [--run RUN_ID] [--commit SHA] [--branch NAME]
    python modelship_metaflow_query.py tagged FLOW --tag TAG [--namespace NS]
    python modelship_metaflow_query.py tag FLOW/RUN_ID [--add TAG]... [--remove TAG]...

Errors are printed as {"ok": false, "error": {"kind": ..., "message": ...}} with exit code 0 so the
caller can map them; only a crash of this script itself exits non-zero.
"""
import argparse
import json
import math
import sys


def fail(kind, message):
    print(json.dumps({"ok": False, "error": {"kind": kind, "message": message}}))
    sys.exit(0)


def set_namespace(value):
    from metaflow import namespace

    # "global" (or nothing) means every namespace: pathspecs are unambiguous, and CI often runs
    # as a different user than the one who trained.
    namespace(None if value in (None, "", "global") else value)


def jsonable(value):
    try:
        json.dumps(value, allow_nan=False)
        return value
    except (TypeError, ValueError):
        return None


def creation_time(run):
    # Local metadata rewrites a run's own timestamp whenever its tags change (Metaflow issue
    # #2293); its start task's timestamp is written once, so the earlier of the two is when the
    # run began. With a metadata service both agree.
    times = [run.created_at]
    try:
        times.append(run["start"].task.created_at)
    except Exception:  # noqa: BLE001 - a run that never reached start has only its own timestamp
        pass
    known = [time for time in times if time is not None]
    return min(known) if known else None


def first_failed_step(run):
    # An unfinished run is either still going or stopped at a failed task: only the tasks tell
    # (a retried attempt that later succeeds has overwritten attempt_ok).
    for step_ in run:
        for task in step_:
            # Metaflow records attempt_ok=False for the attempt that raised.
            if str(task.metadata_dict.get("attempt_ok")) == "False":
                return step_.id
    return None


def describe(run, artifacts):
    data = {}
    present = []
    for name in artifacts:
        # Artifacts are read from the end task: it holds every artifact the flow kept.
        try:
            task = run.end_task
            if task is not None and name in task:
                present.append(name)
                data[name] = jsonable(task[name].data)
        except Exception:  # noqa: BLE001 - a run without an end task simply lacks artifacts
            pass
    created = creation_time(run)
    finished = run.finished_at
    failed_step = None if run.finished else first_failed_step(run)
    return {
        "pathspec": run.pathspec,
        "flow": run.parent.id if run.parent is not None else run.pathspec.split("/")[0],
        "id": run.id,
        "successful": bool(run.successful),
        "finished": bool(run.finished),
        "failedStep": failed_step,
        "createdAt": created.isoformat() if created else None,
        "finishedAt": finished.isoformat() if finished else None,
        "tags": sorted(run.user_tags),
        "systemTags": sorted(run.system_tags),
        "artifactsPresent": present,
        "artifacts": data,
    }


def command_run(args):
    from metaflow import Run
    from metaflow.exception import MetaflowNamespaceMismatch, MetaflowNotFound

    set_namespace(args.namespace)
    try:
        run = Run(args.pathspec)
    except MetaflowNamespaceMismatch as error:
        fail("not_found", "run %s is not in namespace %s: %s" % (args.pathspec, args.namespace, error))
    except MetaflowNotFound:
        fail("not_found", "run %s does not exist" % args.pathspec)
    print(json.dumps({"ok": True, "run": describe(run, args.artifact or [])}))


def order_key(run):
    # Newest means created last: ids say nothing about time across runtimes (a local `4711`
    # against Argo's `argo-evaluatenewmodelflow-8x2kq`).
    created = creation_time(run)
    return (created.timestamp() if created else -math.inf, run.id)


def git_info(run):
    # Metaflow records the checkout a run was started from (`git-info` task metadata) when its
    # flow file is in a git repository.
    try:
        raw = run["start"].task.metadata_dict.get("git-info")
        return json.loads(raw) if raw else {}
    except Exception:  # noqa: BLE001 - no start task, no metadata: nothing recorded
        return {}


def out_of_scope(run, args):
    """Why a run is outside the selection's scope (commit, branch), or None."""
    if not (args.commit or args.branch):
        return None
    git = git_info(run)
    if args.commit:
        commit = git.get("commit_sha")
        if not commit:
            return "records no git commit"
        if not commit.startswith(args.commit):
            return "was started from commit %s, not %s" % (commit[:12], args.commit[:12])
    if args.branch:
        project_branch = "project_branch:%s" % args.branch
        if git.get("branch_name") != args.branch and project_branch not in run.system_tags:
            return "was started on branch %s, not %s" % (
                git.get("branch_name") or "(none recorded)",
                args.branch,
            )
    return None


def scoped_candidates(flow, args):
    from metaflow import Run
    from metaflow.exception import MetaflowNamespaceMismatch, MetaflowNotFound

    if not args.run:
        return sorted(flow.runs(args.tag), key=order_key, reverse=True), []
    pathspec = args.run if "/" in args.run else "%s/%s" % (args.flow, args.run)
    try:
        run = Run(pathspec)
    except (MetaflowNotFound, MetaflowNamespaceMismatch):
        fail("not_found", "run %s does not exist in this namespace" % pathspec)
    if args.tag not in run.user_tags:
        return [], [{"pathspec": run.pathspec, "skipped": "is not tagged %s" % args.tag}]
    return [run], []


def load_flow(args):
    """The flow `args.flow` in `args.namespace`; a flow that never ran is not_found."""
    from metaflow import Flow
    from metaflow.exception import MetaflowNotFound

    set_namespace(args.namespace)
    try:
        return Flow(args.flow)
    except MetaflowNotFound:
        fail("not_found", "flow %s has no runs in this datastore" % args.flow)


def command_select(args):
    flow = load_flow(args)
    candidates, considered = scoped_candidates(flow, args)
    for run in candidates:
        reason = out_of_scope(run, args)
        described = describe(run, [args.artifact] if args.artifact and not reason else [])
        if reason is None and not described["successful"]:
            reason = "did not succeed"
        elif reason is None and args.artifact and args.artifact not in described["artifactsPresent"]:
            reason = "has no artifact %s" % args.artifact
        considered.append({"pathspec": described["pathspec"], "skipped": reason})
        if reason is None:
            print(json.dumps({"ok": True, "run": described, "considered": considered}))
            return
    print(json.dumps({"ok": True, "run": None, "considered": considered}))


def command_tagged(args):
    flow = load_flow(args)
    runs = [
        {"pathspec": run.pathspec, "systemTags": sorted(run.system_tags)}
        for run in flow.runs(args.tag)
    ]
    print(json.dumps({"ok": True, "runs": runs}))


def command_tag(args):
    from metaflow import Run
    from metaflow.exception import MetaflowNotFound

    # The client changes tags through the same metadata provider the flows use, without the flow
    # file `python flow.py tag` needs.
    set_namespace(None)
    try:
        run = Run(args.pathspec)
    except MetaflowNotFound:
        fail("not_found", "run %s does not exist" % args.pathspec)
    run.replace_tags(args.remove or [], args.add or [])
    print(json.dumps({"ok": True, "tags": sorted(run.user_tags)}))


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run")
    run.add_argument("pathspec")
    run.add_argument("--artifact", action="append")
    run.add_argument("--namespace")
    select = sub.add_parser("select")
    select.add_argument("flow")
    select.add_argument("--tag", required=True)
    select.add_argument("--artifact")
    select.add_argument("--namespace")
    select.add_argument("--run")
    select.add_argument("--commit")
    select.add_argument("--branch")
    tagged = sub.add_parser("tagged")
    tagged.add_argument("flow")
    tagged.add_argument("--tag", required=True)
    tagged.add_argument("--namespace")
    tag = sub.add_parser("tag")
    tag.add_argument("pathspec")
    tag.add_argument("--add", action="append")
    tag.add_argument("--remove", action="append")
    tag.add_argument("--namespace")
    args = parser.parse_args()
    commands = {"run": command_run, "select": command_select, "tagged": command_tagged, "tag": command_tag}
    try:
        commands[args.command](args)
    except Exception as error:  # noqa: BLE001 - one line for the caller instead of a traceback
        text = str(error).strip().splitlines()
        fail("error", "%s: %s" % (type(error).__name__, text[-1] if text else ""))


if __name__ == "__main__":
    main()
