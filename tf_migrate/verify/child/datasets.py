"""Tutorial data loaders that work offline: synthetic arrays when the data are not on disk.

Tutorial scripts download their data (``input_data.read_data_sets("MNIST_data/")``,
``tf.keras.datasets.mnist.load_data()``), which a proof must not depend on. When the files a
loader would read are not on disk, it returns deterministic synthetic arrays of the real shapes
and dtypes instead, generated from fixed seeds with numpy's legacy generator, so that both sides
get the same arrays (TF1's ``read_data_sets`` is derived from the very arrays ``mnist.load_data``
gives, as the real MNIST files are the same data). The images are class prototypes plus noise,
so that a model can learn something from them. When the files are on disk, the real loader runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np

from .imports import Replacements

# name: (seed, train size, test size, image shape, classes, labels as a column)
IMAGES = {
    "mnist": (1, 60000, 10000, (28, 28), 10, False),
    "fashion_mnist": (2, 60000, 10000, (28, 28), 10, False),
    "cifar10": (3, 50000, 10000, (32, 32, 3), 10, True),
    "cifar100": (4, 50000, 10000, (32, 32, 3), 100, True),
}
# name: (seed, examples in all, classes, vocabulary size)
SEQUENCES = {"imdb": (6, 50000, 2, 88587), "reuters": (7, 11228, 46, 30979)}
# The loaders whose first argument is the path of their file under the Keras cache dir.
WITH_PATH = frozenset({"mnist", "boston_housing", "imdb", "reuters"})
# The files a loader reads under the Keras cache dir, when the call does not name another path.
CACHED = {
    "mnist": ("mnist.npz",),
    "fashion_mnist": ("fashion-mnist",),
    "cifar10": ("cifar-10-batches-py", "cifar-10-batches-py-target"),
    "cifar100": ("cifar-100-python", "cifar-100-python-target"),
    "boston_housing": ("boston_housing.npz",),
    "imdb": ("imdb.npz",),
    "reuters": ("reuters.npz",),
}
KERAS_MODULES = (
    "tensorflow.python.keras.datasets.",
    "keras.src.datasets.",
    "tf_keras.src.datasets.",
)
MNIST_MODULE = "tensorflow.contrib.learn.python.learn.datasets.mnist"
MNIST_FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)


def images(name: str, label_mode: str = "fine") -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    seed, train, test, shape, classes, column = IMAGES[name]
    if name == "cifar100" and label_mode == "coarse":
        classes = 20
    rs = np.random.RandomState(seed)
    count = train + test
    labels = rs.randint(0, classes, size=count).astype(np.uint8)
    prototypes = rs.randint(0, 192, size=(classes, *shape)).astype(np.uint8)
    pixels = prototypes[labels] + rs.randint(0, 64, size=(count, *shape), dtype=np.uint8)
    if column:
        labels = labels.reshape(count, 1)
    return (pixels[:train], labels[:train]), (pixels[train:], labels[train:])


def sequences(
    name: str,
    num_words: int | None,
    skip_top: int,
    maxlen: int | None,
    test_split: float,
    start_char: int,
    index_from: int,
) -> Any:
    seed, count, classes, vocabulary = SEQUENCES[name]
    rs = np.random.RandomState(seed)
    top = min(num_words or vocabulary, vocabulary + index_from)
    lowest = max(skip_top, 0) + index_from
    lengths = rs.randint(10, 400, size=count)
    labels = rs.randint(0, classes, size=count).astype(np.int64)
    texts = [
        [start_char, *rs.randint(lowest, max(top, lowest + 1), size=n).tolist()] for n in lengths
    ]
    kept = [i for i, text in enumerate(texts) if maxlen is None or len(text) < maxlen]
    texts, labels = [texts[i] for i in kept], labels[kept]
    split = count // 2 if name == "imdb" else int(len(texts) * (1 - test_split))
    x = np.empty(len(texts), dtype=object)
    x[:] = texts
    return (x[:split], labels[:split]), (x[split:], labels[split:])


def regression() -> Any:
    rs = np.random.RandomState(5)
    features = rs.rand(506, 13) * 100.0
    targets = features @ (rs.rand(13) / 10.0) + rs.randn(506)
    return features, targets


class OfflineData:
    def __init__(self, replacements: Replacements) -> None:
        self.replacements = replacements
        self.used: list[str] = []  # what was synthesized, for the report

    def install(self) -> None:
        for name in CACHED:
            for prefix in KERAS_MODULES:
                self.replacements.when_imported(prefix + name, self._keras_patch(name))
        self.replacements.when_imported(MNIST_MODULE, self._patch_read_data_sets)

    def _keras_patch(self, name: str) -> Callable[[ModuleType], None]:
        def patch(module: ModuleType) -> None:
            original = getattr(module, "load_data", None)
            if original is None or getattr(original, "offline", False):
                return
            loader = self._keras_loader(name, original)
            module.load_data = loader  # type: ignore[attr-defined]
            self.replacements.replace(original, loader)

        return patch

    def _keras_loader(self, name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        used = self.used

        def load_data(*args: Any, **kwargs: Any) -> Any:
            path = kwargs.get("path", args[0] if args else None) if name in WITH_PATH else None
            wanted = (str(path),) if path else CACHED[name]
            if _on_disk(wanted):
                return original(*args, **kwargs)
            used.append(f"keras.datasets.{name}.load_data(): {', '.join(wanted)} not on disk")
            if name in IMAGES:
                mode = kwargs.get("label_mode", args[0] if args and name == "cifar100" else "fine")
                return images(name, mode)
            if name == "boston_housing":
                return _split(regression(), kwargs.get("test_split", 0.2))
            return sequences(
                name,
                kwargs.get("num_words"),
                kwargs.get("skip_top", 0),
                kwargs.get("maxlen"),
                kwargs.get("test_split", 0.2),
                kwargs.get("start_char", 1),
                kwargs.get("index_from", 3),
            )

        load_data.offline = True  # type: ignore[attr-defined]
        return load_data

    def _patch_read_data_sets(self, module: ModuleType) -> None:
        original = module.read_data_sets
        used = self.used

        def read_data_sets(
            train_dir: str,
            fake_data: bool = False,
            one_hot: bool = False,
            dtype: Any = None,
            reshape: bool = True,
            validation_size: int = 5000,
            seed: Any = None,
            source_url: Any = None,
        ) -> Any:
            on_disk = all(os.path.exists(os.path.join(train_dir, name)) for name in MNIST_FILES)
            options = {
                "dtype": dtype if dtype is not None else np.float32,
                "reshape": reshape,
                "seed": seed,
            }
            if fake_data or on_disk:
                kwargs = dict(options, one_hot=one_hot, validation_size=validation_size)
                if source_url is not None:
                    kwargs["source_url"] = source_url
                return original(train_dir, fake_data, **kwargs)
            used.append(
                f"input_data.read_data_sets({train_dir!r}): the MNIST files are not on disk"
            )
            (train_x, train_y), (test_x, test_y) = images("mnist")
            for name in MNIST_FILES:  # what the real loader prints for each file it reads
                print("Extracting", os.path.join(train_dir, name))
            if one_hot:
                train_y, test_y = (
                    module.dense_to_one_hot(train_y, 10),
                    module.dense_to_one_hot(test_y, 10),
                )
            train_x, test_x = train_x[..., None], test_x[..., None]
            if not 0 <= validation_size <= len(train_x):
                raise ValueError(
                    f"Validation size should be between 0 and {len(train_x)}. "
                    f"Received: {validation_size}."
                )
            return module.base.Datasets(
                train=module.DataSet(
                    train_x[validation_size:], train_y[validation_size:], **options
                ),
                validation=module.DataSet(
                    train_x[:validation_size], train_y[:validation_size], **options
                ),
                test=module.DataSet(test_x, test_y, **options),
            )

        module.read_data_sets = read_data_sets  # type: ignore[attr-defined]
        self.replacements.replace(original, read_data_sets)


def _on_disk(names: tuple[str, ...]) -> bool:
    homes = [
        os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras"),
        os.path.join("/tmp", ".keras"),
    ]
    return any(
        os.path.exists(os.path.join(home, "datasets", name)) for home in homes for name in names
    )


def _split(data: tuple[Any, Any], test_split: float) -> Any:
    features, targets = data
    split = int(len(features) * (1 - test_split))
    return (features[:split], targets[:split]), (features[split:], targets[split:])
