"""Reads the outcome of a promotion back from each MLRun environment with the real `mlrun` client.

Run from .peers/mlrun by test/scenario.test.ts. Argument: JSON list of
{"name", "url", "project", "key", "function", "keyEnv"}; the access key of each environment is read
from the variable `keyEnv` names (never from the command line). Prints one JSON document:
{name: {"champion_tree", "trees", "served_model", "tags"}}.
"""
import json
import os
import sys

import mlrun
import mlrun.db.httpdb


def read(env):
    credentials = mlrun.Credentials(token=os.environ[env["keyEnv"]])
    db = mlrun.db.httpdb.HTTPRunDB(env["url"], credentials=credentials).connect()
    project, key = env["project"], env["key"]
    try:
        champion = db.read_artifact(key, tag="champion", project=project)["metadata"]["tree"]
    except mlrun.errors.MLRunNotFoundError:
        champion = None
    trees = sorted({a["metadata"]["tree"] for a in db.list_artifacts(key, project=project, tag="*")})
    served = None
    if env.get("function"):
        fn = mlrun.new_function(runtime=db.get_function(env["function"], project=project))
        served = fn.spec.graph.routes[key].class_args.get("model_path")
    return {
        "champion_tree": champion,
        "trees": trees,
        "served_model": served,
        "tags": sorted(db.list_artifact_tags(project)),
    }


def main():
    envs = json.loads(sys.argv[1])
    print(json.dumps({env["name"]: read(env) for env in envs}))


if __name__ == "__main__":
    main()
