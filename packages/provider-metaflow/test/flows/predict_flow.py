"""The production flow of the provider tests: deployed to Argo Workflows with --only-json."""
import os

from metaflow import FlowSpec, Parameter, project, schedule, step


@schedule(daily=True)
@project(name="modelship_test")
class ModelshipPredictFlow(FlowSpec):
    # Evaluated by `argo-workflows create`: modelship's deploy sets the variable to the deployed run.
    upstream_run_id = Parameter(
        "upstream-run-id", default=lambda ctx: os.environ.get("MODELSHIP_UPSTREAM_RUN_ID", "")
    )

    @step
    def start(self):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    ModelshipPredictFlow()
