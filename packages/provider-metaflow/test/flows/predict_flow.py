"""The production flow of the provider tests: deployed to Argo Workflows with --only-json."""
from metaflow import FlowSpec, Parameter, project, step


@project(name="modelship_test")
class ModelshipPredictFlow(FlowSpec):
    upstream_run_id = Parameter("upstream-run-id", default="")

    @step
    def start(self):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    ModelshipPredictFlow()
