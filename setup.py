"""Build hook: copy the shipped model from models/ into the wheel (medspam/data/model/)."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithModel(build_py):
    """build_py that also puts models/medspam-*.pkl.gz and its card inside the package."""

    def run(self) -> None:
        """Build the package, then copy the model files beside it."""
        super().run()
        target = Path(self.build_lib) / "medspam" / "data" / "model"
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted(Path(__file__).parent.joinpath("models").glob("medspam-*")):
            if path.name.endswith((".pkl.gz", ".card.json")):
                shutil.copy2(path, target / path.name)


setup(cmdclass={"build_py": BuildPyWithModel})
