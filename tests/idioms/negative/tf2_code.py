# expect: none
import tensorflow as tf

model = tf.keras.Sequential([tf.keras.layers.Dense(10, activation="relu")])
optimizer = tf.keras.optimizers.Adam(1e-3, epsilon=1e-8)
loss_fn = tf.losses.MeanSquaredError()
mean = tf.metrics.Mean()
writer = tf.summary.create_file_writer("logs")
checkpoint = tf.train.Checkpoint(model=model, optimizer=optimizer)
manager = tf.train.CheckpointManager(checkpoint, "ckpt", max_to_keep=3)
dataset = tf.data.Dataset.from_tensor_slices(([1.0], [2.0])).batch(1)


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss


for step, (x, y) in enumerate(dataset):
    loss = train_step(x, y)
    mean.update_state(loss)
    with writer.as_default():
        tf.summary.scalar("loss", loss, step=step)
    with tf.name_scope("eval"):
        value = loss.numpy()
    if loss is None:
        pass
    keyed = {loss.ref(): value}
manager.save()
total = tf.reduce_sum(tf.constant([1.0, 2.0]))
if total == 3.0:
    print("elementwise in TF2, as meant")
