"""Trains a small classifier on iris and evaluates it. No tagging here: modelship's gate decides
whether the run becomes a `deployment_candidate`.

    python evaluate_new_model_flow.py run --with card --max-depth 3
"""
import os
import pickle

from metaflow import FlowSpec, Parameter, card, current, step


class EvaluateNewModelFlow(FlowSpec):
    max_depth = Parameter("max-depth", default=3, type=int, help="depth of the decision tree")
    model_dir = Parameter("model-dir", default="models", help="where the model files are written")

    @step
    def start(self):
        from sklearn.datasets import load_iris
        from sklearn.model_selection import train_test_split

        features, labels = load_iris(return_X_y=True)
        self.train_x, self.test_x, self.train_y, self.test_y = train_test_split(
            features, labels, test_size=0.3, random_state=7, stratify=labels
        )
        self.next(self.train)

    @step
    def train(self):
        from sklearn.tree import DecisionTreeClassifier

        self.model = DecisionTreeClassifier(max_depth=self.max_depth, random_state=7)
        self.model.fit(self.train_x, self.train_y)
        self.next(self.evaluate)

    @card
    @step
    def evaluate(self):
        from sklearn.metrics import accuracy_score

        accuracy = accuracy_score(self.test_y, self.model.predict(self.test_x))
        # Percent, as in the Outerbounds pattern (the gate is accuracy >= 90).
        self.eval_metrics = {"accuracy": round(accuracy * 100, 2), "test_rows": len(self.test_y)}
        self.next(self.end)

    @step
    def end(self):
        directory = os.path.abspath(os.path.join(self.model_dir, current.run_id))
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, "model.pkl"), "wb") as out:
            pickle.dump(self.model, out)
        # Where the model is for the CI job that uploads it (modelship's `artifact`).
        self.model_path = directory
        print("accuracy %.2f%%, model in %s" % (self.eval_metrics["accuracy"], directory))


if __name__ == "__main__":
    EvaluateNewModelFlow()
