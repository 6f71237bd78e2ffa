import keras
import numpy as np
import tensorflow as tf

keras.utils.set_random_seed(7)
inputs = np.linspace(-1.0, 1.0, 24, dtype=np.float32).reshape(4, 6)
targets = np.array([[0.5], [-0.25], [1.0], [0.0]], dtype=np.float32)

init = keras.initializers.RandomNormal(stddev=0.05)
model = keras.Sequential(
    [
        keras.Input((6,)),
        keras.layers.Dense(16, activation="tanh", kernel_initializer=init),
        keras.layers.Dense(1, kernel_initializer=init),
    ]
)
optimizer = keras.optimizers.SGD(0.05)

losses = []
for _ in range(5):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(inputs) - targets))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
    losses.append(float(loss))
final_prediction = model(inputs).numpy()
