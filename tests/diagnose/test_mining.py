"""The miner (scripts/mine_messages.py) reads every form a library gives its messages in."""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "mine_messages.py"


@pytest.fixture(scope="module")
def miner():
    spec = importlib.util.spec_from_file_location("mine_messages", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["mine_messages"] = module
    spec.loader.exec_module(module)
    return module


def _templates(miner, source: str) -> list[tuple[str, str]]:
    visitor = miner.Messages("lib", "lib/mod.py")
    visitor.visit(ast.parse(source))
    return [(f.kind, miner.template_text(miner.normalise(f.parts))) for f in visitor.found]


def test_a_traceable_torch_assert_is_a_message(miner) -> None:
    # timm's PatchEmbed: torch._assert(H == self.img_size[0], f"Input height ({H}) doesn't ...")
    found = _templates(miner, 'import torch\n'
                              'def forward(x, H, n):\n'
                              '    torch._assert(H % n == 0, f"Input height ({H}) must be '
                              'divisible by patch size ({n}).")\n'
                              '    _assert(H > 0, "the sequence length must be positive")\n')
    assert [kind for kind, _ in found] == ["assert", "assert"]
    assert found[0][1] == "Input height ({H}) must be divisible by patch size ({n})."


def test_spacy_error_constants_are_templates_with_their_fields(miner) -> None:
    # spaCy raises ValueError(Errors.E971.format(array_length=..., doc_length=...))
    found = _templates(miner, 'class Errors(metaclass=ErrorsWithCodes):\n'
                              '    E971 = ("Found incompatible lengths in `Doc.from_array`: "\n'
                              '            "{array_length} for the array and {doc_length} for '
                              'the Doc itself.")\n'
                              '    not_a_message = "x"\n'
                              'class Warnings:\n'
                              '    W123 = "Skipping a text longer than {length} tokens"\n')
    assert found == [
        ("raise ValueError", "Found incompatible lengths in `Doc.from_array`: {array_length} "
                             "for the array and {doc_length} for the Doc itself."),
        ("warning", "Skipping a text longer than {length} tokens")]


@pytest.mark.parametrize("text", [
    "`height` and `width` have to be divisible by 8 but are {height} and {width}.",
    "Different number of candidates and references",
    "input and target dimensions differ, DiceLoss expects non one-hot targs",
    "Input size should be a multiple of num_samples",
    "The utterance is too short for the encoder's subsampling"])
def test_sizes_that_must_divide_or_agree_are_on_the_miners_topic(miner, text: str) -> None:
    assert miner.TOPIC.search(text)


def test_a_field_closed_only_by_quotes_still_holds_its_value(miner) -> None:
    # "Current value is `{length}`": the backticks are optional, so a lazy field matched nothing
    parts = [("lit", "Current value is `"), ("var", "length"), ("lit", "`")]
    pattern = re.compile(miner.matcher(parts))
    assert pattern.search("Current value is `613`").group("length") == "613"
    assert pattern.search("Current value is 613").group("length") == "613"


@pytest.mark.parametrize(("template", "names", "keys"), [
    # the name says length, the words in front say it is the maximum
    ("input contains a sequence length {t} that is greater than the designated maximum sequence "
     "length {self.seq_len}", ["t", "self_seq_len"], ["length", "limit"]),
    ("The {prompt_type} prompt (length {prompt_len}) is longer than the maximum model length of "
     "{max_prompt_len}", ["prompt_type", "prompt_len", "max_prompt_len"],
     [None, "length", "limit"]),
    # a name that says what it is keeps it
    ("len(input_ids)={len(input_ids)} exceeds the max length of {max_length}",
     ["len_input_ids", "max_length"], ["length", "limit"]),
])
def test_the_words_in_front_of_a_field_name_the_number_it_carries(miner, template: str,
                                                                  names: list[str],
                                                                  keys: list) -> None:
    from message_labels import Label
    assert Label("over_max_positions").evidence(names, miner.fixed_before(template)) == keys
