import argparse

import pytest
from support import python

from backprop.config import DEFAULT_SEED, ConfigError, RunConfig
from cli.options import add_run_options, config_from_args


@pytest.mark.parametrize("changes, words", [
    ({"K": 0}, "K (hidden layers) must be between 1 and 100, not 0."),
    ({"K": 101}, "between 1 and 100"),
    ({"d": 0}, "d (width) must be between"),
    ({"batch": -1}, "batch must be between"),
    ({"seed": -5}, "seed must be between"),
    ({"draw": -1}, "draw must be between"),
    ({"K": 2.5}, "K (hidden layers) must be a whole number, not 2.5."),
    ({"K": True}, "must be a whole number"),
    ({"init": "he"}, "init must be one of randn, kaiming, xavier, not 'he'."),
    ({"dtype": "float16"}, "dtype must be one of float32, float64, not 'float16'."),
    ({"K": 100, "d": 4096}, "K=100 and d=4096 make 1,678,135,297 parameters; at most"),
    ({"batch": 4096, "d": 1000}, "batch=4096, d=1000 and K=10 make 45,056,000 activations"),
])
def test_bad_values_are_one_sentence(changes, words):
    with pytest.raises(ConfigError) as caught:
        RunConfig(**changes)
    message = str(caught.value)
    assert words in message
    assert message.endswith(".") and message.count(". ") == 0 and "\n" not in message


def test_parameter_count():
    assert RunConfig().parameters == 10 * 110 + 11 == 1111
    assert RunConfig(K=10, d=1024, batch=256).parameters == 10_497_025  # the benchmark's


def test_describe_and_parse_round_trip():
    config = RunConfig(K=3, d=7, batch=2, seed=99, init="xavier", dtype="float64", draw=4)
    assert config.describe() == "K=3 d=7 batch=2 seed=99 init=xavier dtype=float64 draw=4"
    assert RunConfig.parse(config.describe()) == config


@pytest.mark.parametrize("text", ["K=3 K=4", "K=x", "Q=1", "K", "K=0"])
def test_parse_rejects_garbage(text):
    with pytest.raises(ConfigError):
        RunConfig.parse(text)


def test_options_build_the_config():
    parser = argparse.ArgumentParser()
    add_run_options(parser)
    args = parser.parse_args(["-K", "4", "--width", "6", "--batch", "3", "--seed", "11",
                              "--init", "kaiming", "--dtype", "float64", "--draw", "2"])
    assert config_from_args(args) == RunConfig(4, 6, 3, 11, "kaiming", "float64", 2)
    assert config_from_args(parser.parse_args([])) == RunConfig()
    assert RunConfig().seed == DEFAULT_SEED


def test_config_does_not_import_torch():
    code = "import sys, backprop.config; print('torch' in sys.modules)"
    out = python("-c", code, check=True)
    assert out.stdout.strip() == "False"
