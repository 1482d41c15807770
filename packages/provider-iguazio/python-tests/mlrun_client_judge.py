"""Judges the TypeScript MLRun emulator with the real `mlrun` client (run from .peers/mlrun).

Not a pytest module on purpose: the main venv has no mlrun. test/mlrun-client.test.ts starts the
emulator and runs this script; it prints one JSON document of observations, or exits non-zero.
Usage: mlrun_client_judge.py <api-url> <project> <uploaded-key> <uploaded-tree> <exported-yaml> <serving-function>
"""
import json
import sys

import yaml
import mlrun
import mlrun.artifacts


def main():
    url, project, uploaded_key, uploaded_tree, exported, serving = sys.argv[1:7]
    db = mlrun.get_run_db(url)
    out = {"server_version": db.server_version}

    # Project made by the TypeScript provider, read back by the client.
    proj = db.get_project(project)
    out["project_name"] = proj.metadata.name

    # An artifact the provider stored: labels carry the manifest digest.
    uploaded = db.read_artifact(uploaded_key, tree=uploaded_tree, project=project)
    out["uploaded_kind"] = uploaded["kind"]
    out["uploaded_labels"] = uploaded["metadata"].get("labels", {})

    # The client's own store/read/tag/list round trip.
    first = mlrun.artifacts.ModelArtifact(key="judge-model", model_file="model.pkl", metrics={"accuracy": 0.8})
    first.target_path = "s3://bucket/judge/1/"
    db.store_artifact("judge-model", first.to_dict(), tree="tree1", tag="v1", project=project)
    read_first = db.read_artifact("judge-model", tag="v1", project=project)
    obj = mlrun.artifacts.dict_to_artifact(read_first)
    out["first_kind"] = obj.kind
    out["first_metrics"] = obj.spec.metrics
    out["first_tree"] = obj.metadata.tree

    db.tag_artifacts(read_first, project, "champion")
    second = mlrun.artifacts.ModelArtifact(key="judge-model", model_file="model.pkl", metrics={"accuracy": 0.9})
    second.target_path = "s3://bucket/judge/2/"
    db.store_artifact("judge-model", second.to_dict(), tree="tree2", tag="v2", project=project)
    read_second = db.read_artifact("judge-model", tag="v2", project=project)
    db.tag_artifacts(read_second, project, "champion")
    champion = db.read_artifact("judge-model", tag="champion", project=project)
    out["champion_tree"] = champion["metadata"]["tree"]
    out["champions_listed"] = len(db.list_artifacts("judge-model", project=project, tag="champion"))
    out["versions_listed"] = sorted({a["metadata"]["tree"] for a in db.list_artifacts("judge-model", project=project, tag="*")})
    out["models_listed"] = sorted({a["metadata"]["key"] for a in db.list_artifacts(project=project, category="model")})

    # The exported challenger YAML loads as an MLRun artifact.
    with open(exported) as handle:
        exported_obj = mlrun.artifacts.dict_to_artifact(yaml.safe_load(handle))
    out["exported_kind"] = exported_obj.kind
    out["exported_key"] = exported_obj.metadata.key

    # The serving function modelship deployed, loaded by the client's own runtime classes: a spec
    # they cannot load (wrong kind, graph or route shape) fails here, not in a production deploy.
    func = db.get_function(serving, project=project)
    served = mlrun.new_function(runtime=func)
    route = served.spec.graph.routes[uploaded_key]
    out["serving_kind"] = served.kind
    out["serving_runtime"] = type(served).__name__
    out["serving_graph"] = type(served.spec.graph).__name__
    out["serving_route"] = {"step": type(route).__name__, "class_name": route.class_name, "model_path": route.class_args.get("model_path")}
    out["serving_round_trip"] = mlrun.new_function(runtime=served.to_dict()).spec.graph.routes[uploaded_key].class_args == route.class_args

    # Pagination: one artifact a page, following page tokens to the end.
    paged, token, pages = [], None, 0
    while True:
        page, token = db.paginated_list_artifacts(project=project, page_size=1, page_token=token) if token else db.paginated_list_artifacts(project=project, page_size=1)
        paged.extend(page)
        pages += 1
        if not token or pages > 20:
            break
    out["paged_count"] = len(paged)
    out["paged_pages"] = pages
    out["all_count"] = len(db.list_artifacts(project=project))
    out["artifact_tags"] = sorted(db.list_artifact_tags(project))

    # del_artifact removes one version; reading it again is not found.
    db.del_artifact("judge-model", tree="tree1", project=project)
    try:
        db.read_artifact("judge-model", tree="tree1", project=project)
        out["deleted"] = "still there"
    except mlrun.errors.MLRunNotFoundError:
        out["deleted"] = "MLRunNotFoundError"

    # What the real server refuses: no project source, and a workflow the project does not define.
    try:
        db.submit_workflow(project, "train", {"name": "train"}, arguments={"model_name": "wf-model"})
        out["no_source"] = "accepted"
    except mlrun.errors.MLRunHTTPError as error:
        out["no_source"] = [type(error).__name__, "Project source is required" in str(error)]
    undefined = db.submit_workflow(project, "undefined-wf", {"name": "undefined-wf"}, source="git://github.com/acme/judge#main")
    try:
        db.get_workflow_id(project, "undefined-wf", undefined.run_id)
        out["undefined_workflow"] = "started"
    except mlrun.errors.MLRunHTTPError as error:
        out["undefined_workflow"] = [type(error).__name__, "Failed to run workflow undefined-wf" in str(error)]

    # Workflows: submit, runner → workflow id, pipeline state until the emulated run finishes.
    submitted = db.submit_workflow(project, "train", {"name": "train"}, arguments={"model_name": "wf-model", "accuracy": 0.97}, source="git://github.com/acme/judge#main")
    out["workflow_status"] = submitted.status
    workflow_id = db.get_workflow_id(project, "train", submitted.run_id).workflow_id
    states = []
    for _ in range(10):
        states.append(db.get_pipeline(workflow_id, project=project)["run"]["status"])
        if states[-1] not in ("Running", "Pending"):
            break
    out["pipeline_states"] = states
    logged = db.list_artifacts(project=project, tree=workflow_id, category="model")
    out["workflow_metrics"] = logged[0]["spec"]["metrics"] if logged else None

    # Nuclio: the client's own deploy request for a serving function, then its status poll.
    fn = mlrun.new_function("judge-serving", project=project, kind="serving")
    fn.add_model("judge-model", model_path=f"store://models/{project}/judge-model:champion", class_name="mlrun.frameworks.sklearn.SklearnModelServer")
    db.deploy_nuclio_function(fn)
    for _ in range(5):
        text, _ts = db.get_nuclio_deploy_status(fn)
        if fn.status.state in ("ready", "error"):
            break
    out["nuclio_state"] = fn.status.state
    out["nuclio_address"] = fn.status.address

    try:
        db.read_artifact("does-not-exist", project=project)
        out["missing"] = "no error"
    except mlrun.errors.MLRunNotFoundError:
        out["missing"] = "MLRunNotFoundError"
    print(json.dumps(out))


if __name__ == "__main__":
    main()
