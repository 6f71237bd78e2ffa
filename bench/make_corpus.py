"""Build the benchmark corpus: the project's TF1 programs (fixtures/*/before.py and
tests/idioms/**/*.py) and synthetic TF1 scripts until there are `--count` files. No downloads."""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Statements real TF1 training scripts are made of; each synthetic file strings ~150 of them
# together around a graph, a session loop and helper functions.
SNIPPETS = [
    "x{i} = tf.placeholder(tf.float32, [None, {n}], name='x{i}')",
    "w{i} = tf.get_variable('w{i}', [{n}, {n}], initializer=tf.random_normal_initializer())",
    "h{i} = tf.nn.relu(tf.matmul(x{i}, w{i}))",
    "h{i} = tf.nn.dropout(h{i}, 0.9)",
    "m{i} = tf.reduce_mean(h{i}, reduction_indices=[1], keep_dims=True)",
    "s{i} = tf.reduce_sum(tf.log(tf.abs(h{i}) + 1e-6), axis=1)",
    "p{i} = tf.nn.softmax(h{i}, dim=-1)",
    "i{i} = tf.argmax(p{i}, dimension=1)",
    "f{i} = tf.to_float(i{i})",
    "r{i} = tf.random_normal([{n}], stddev=0.1)",
    "d{i} = tf.div(tf.to_float(i{i}), 2.0)",
    "c{i} = tf.cast(tf.equal(i{i}, 0), tf.float32)",
    "tf.summary.scalar('m{i}', tf.reduce_mean(m{i}))",
    "loss{i} = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=p{i}, logits=h{i}))",
    "opt{i} = tf.train.AdamOptimizer(1e-3).minimize(loss{i})",
    "e{i} = tf.expand_dims(r{i}, dim=0)",
    "q{i} = tf.squeeze(e{i}, squeeze_dims=[0])",
]


def synthetic(seed: int) -> str:
    rng = random.Random(seed)
    lines = ["import numpy as np", "import tensorflow as tf", "", "tf.set_random_seed(0)", ""]
    for block in range(12):
        lines.append(f"def block_{block}(x{block}):")
        for _ in range(8):
            lines.append("    " + rng.choice(SNIPPETS[2:12]).format(i=block, n=rng.randint(2, 64)))
        lines.append(f"    return x{block}")
        lines.append("")
        for snippet in SNIPPETS:
            lines.append(snippet.format(i=block, n=rng.randint(2, 64)))
        lines.append("")
    lines += [
        "with tf.Session() as sess:",
        "    sess.run(tf.global_variables_initializer())",
        "    for step in range(100):",
        "        out = sess.run([opt0, loss0], feed_dict={x0: np.zeros([8, 4])})",
        "        if step % 10 == 0:",
        "            print(step, out[1])",
        "",
    ]
    return "\n".join(lines)


def build(target: Path, count: int) -> list[Path]:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    sources = sorted(ROOT.glob("fixtures/*/before.py")) + sorted(ROOT.glob("tests/idioms/**/*.py"))
    files = []
    for index, source in enumerate(sources[:count]):
        path = target / f"real_{index:03d}_{source.parent.name}_{source.name}"
        shutil.copy(source, path)
        files.append(path)
    for index in range(count - len(files)):
        path = target / f"synthetic_{index:03d}.py"
        path.write_text(synthetic(index), "utf-8")
        files.append(path)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target", type=Path)
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    files = build(args.target, args.count)
    print(f"{len(files)} files in {args.target}")


if __name__ == "__main__":
    main()
