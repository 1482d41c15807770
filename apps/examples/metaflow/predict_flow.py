"""The production flow: loads the model of the chosen upstream run, verifies it byte for byte
against its modelship manifest, and only then predicts. Scheduled daily on Argo Workflows.

    MODELSHIP_UPSTREAM_RUN_ID=EvaluateNewModelFlow/1699 python predict_flow.py --production argo-workflows create
    python predict_flow.py --production argo-workflows trigger [--upstream-run-id EvaluateNewModelFlow/1700]

`modelship-metaflow deploy` sets MODELSHIP_UPSTREAM_RUN_ID for `argo-workflows create`, so the
deployed run becomes the parameter's default in the WorkflowTemplate: the schedule serves it.
"""
import os
import shutil
import pickle
import tempfile

from metaflow import FlowSpec, Parameter, Run, namespace, project, schedule, step

MODEL_URI_TAG = "modelship_model_uri:"


@schedule(daily=True)
@project(name="modelship_iris")
class PredictFlow(FlowSpec):
    # Not `required=True`: Metaflow refuses to schedule a flow with a required parameter that has no
    # default. The default is evaluated when the flow is deployed (`argo-workflows create`).
    upstream_run_id = Parameter(
        "upstream-run-id",
        default=lambda ctx: os.environ.get("MODELSHIP_UPSTREAM_RUN_ID", ""),
        help="the EvaluateNewModelFlow run to serve, as Flow/RunId (default: the run deployed)",
    )

    @step
    def start(self):
        if not self.upstream_run_id:
            raise ValueError(
                "no upstream run: pass --upstream-run-id Flow/RunId, or deploy with modelship-metaflow deploy "
                "(it sets MODELSHIP_UPSTREAM_RUN_ID for argo-workflows create)"
            )
        namespace(None)
        upstream = Run(self.upstream_run_id)
        uris = [tag[len(MODEL_URI_TAG):] for tag in upstream.user_tags if tag.startswith(MODEL_URI_TAG)]
        if not uris:
            raise ValueError(
                "run %s has no %s tag: deploy it with modelship, which uploads the model and tags the run"
                % (self.upstream_run_id, MODEL_URI_TAG)
            )
        self.model_uri = uris[0]
        self.next(self.predict)

    @step
    def predict(self):
        from metaflow import S3
        from modelship_manifest import verify_model
        from sklearn.datasets import load_iris

        with tempfile.TemporaryDirectory() as workdir, S3(s3root=self.model_uri) as s3:
            for obj in s3.get_all():
                path = os.path.join(workdir, obj.key)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                shutil.copyfile(obj.path, path)
            # Refuses (ModelIntegrityError) unless every byte matches the manifest.
            report = verify_model(os.path.join(workdir, "modelship.manifest.json"), strict=True)
            self.verified_files = len(report["files"])
            with open(os.path.join(workdir, "model.pkl"), "rb") as source:
                model = pickle.load(source)
        features, labels = load_iris(return_X_y=True)
        self.predictions = model.predict(features[::10]).tolist()
        agreement = sum(int(p == y) for p, y in zip(self.predictions, labels[::10])) / len(self.predictions)
        self.prediction_summary = {"rows": len(self.predictions), "agreement": agreement, "verified_files": self.verified_files}
        self.next(self.end)

    @step
    def end(self):
        print("predicted %d rows with the verified model from %s" % (len(self.predictions), self.model_uri))


if __name__ == "__main__":
    PredictFlow()
