"""A tiny training flow for the provider tests: its metrics and model path are parameters."""
from metaflow import FlowSpec, Parameter, step


class ModelshipTrainFlow(FlowSpec):
    accuracy = Parameter("accuracy", default=0.95, type=float)
    keep_model = Parameter("keep-model", default=True, type=bool)
    fail = Parameter("fail", default=False, type=bool)

    @step
    def start(self):
        if self.fail:
            raise RuntimeError("modelship test flow asked to fail")
        self.eval_metrics = {"accuracy": self.accuracy, "loss": {"val": 1 - self.accuracy}}
        if self.keep_model:
            self.model_path = "s3://example/models/model.pkl"
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    ModelshipTrainFlow()
