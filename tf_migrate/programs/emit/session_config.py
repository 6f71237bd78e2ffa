"""The `tf.config` calls that set a session's options in TF2 (model.SessionConfig)."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from tf_migrate.cst.code import code
from tf_migrate.programs.model import ConfigSetting, SessionConfig

# Option -> the call that sets it, `{tf}` the TF alias and `{value}` the script's value.
_CALLS = {
    "allow_soft_placement": "{tf}.config.set_soft_device_placement({value})",
    "log_device_placement": "{tf}.debugging.set_log_device_placement({value})",
    "intra_op_parallelism_threads": "{tf}.config.threading.set_intra_op_parallelism_threads("
                                    "{value})",
    "inter_op_parallelism_threads": "{tf}.config.threading.set_inter_op_parallelism_threads("
                                    "{value})",
    # TF1's count of 0 GPUs: the session sees none.
    "device_count.GPU": '{tf}.config.set_visible_devices([], "GPU")',
}


def _statement(setting: ConfigSetting, tf: str, fresh: Callable[[str], str]
               ) -> cst.BaseStatement:
    value = code(setting.value)
    if setting.option == "gpu_options.allow_growth":
        # TF1 grows the memory of every GPU the session uses; TF2 sets it per device.
        gpu = fresh("gpu")
        return cst.parse_statement(
            f'for {gpu} in {tf}.config.list_physical_devices("GPU"):\n'
            f"    {tf}.config.experimental.set_memory_growth({gpu}, {value})\n")
    return cst.parse_statement(_CALLS[setting.option].format(tf=tf, value=value) + "\n")


def statements(config: SessionConfig, tf: str, fresh: Callable[[str], str]
               ) -> list[cst.BaseStatement]:
    """One statement per option, in the script's order; an option set twice keeps its last
    value, as in the config."""
    last = {setting.option: setting for setting in config.settings}
    return [_statement(setting, tf, fresh) for setting in config.settings
            if last[setting.option] is setting]
