"""Position rules are data: one rule per model type, every type a real one."""

from __future__ import annotations

from types import SimpleNamespace as Config
from typing import get_args

import pytest
from transformers.models.auto.configuration_auto import CONFIG_MAPPING_NAMES

from seqfit.model import positions
from seqfit.model.positions import LEGACY_TYPES, RULE_MEANINGS, RULES, Rule, side_limits


@pytest.mark.parametrize("model_type", sorted(RULES))
def test_every_rule_names_a_model_type_transformers_knows(model_type: str) -> None:
    if model_type in LEGACY_TYPES:
        assert model_type not in CONFIG_MAPPING_NAMES, f"{model_type} is back: not legacy"
    else:
        assert model_type in CONFIG_MAPPING_NAMES


def test_every_rule_has_a_handler_and_a_meaning() -> None:
    assert set(positions._HANDLERS) == set(get_args(Rule)) == set(RULE_MEANINGS)


def test_a_model_type_given_two_rules_is_refused_when_the_table_is_built() -> None:
    with pytest.raises(ValueError, match="'bert' has two position rules"):
        positions._rules({"absolute": "bert gpt2", "rotary": "bert"})


@pytest.mark.parametrize("model_type", ["xclip", "xclip_text_model"])
def test_xclip_text_towers_have_their_rule(model_type: str) -> None:
    side = side_limits(Config(model_type=model_type, max_position_embeddings=77))
    assert (side.position_kind, side.max_tokens, side.warnings) == ("absolute", 77, ())


def test_an_unlisted_rotary_config_needs_no_modelling_code() -> None:
    side = side_limits(Config(model_type="brand-new-llm", max_position_embeddings=8192,
                              rope_theta=1e6))
    assert (side.position_kind, side.max_tokens, side.trained_length) == ("rotary", None, 8192)
