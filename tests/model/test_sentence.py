"""sentence-transformers and cross-encoder folders: inspect reads their own limit beside the
position table's, says which one runs use and why, the same way on both loading paths."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import seqfit
import zoo
from seqfit.cli import app
from seqfit.model.loading import default_model_path
from seqfit.model.sentence import SentenceConfig, read_sentence_config, run_length


def test_the_embedded_model_truncates_at_256_in_sentence_transformers_with_512_rows() -> None:
    limits = seqfit.inspect()
    assert limits.max_tokens == 512 and limits.effective_max_tokens == 512
    sentence = limits.sentence
    assert sentence is not None
    assert sentence.kind == "sentence-transformers"
    assert sentence.max_seq_length == 256
    assert sentence.length_source == "sentence_bert_config.json max_seq_length"
    assert sentence.modules == ("Transformer", "Pooling", "Normalize")
    assert sentence.pooling == ("mean",) and sentence.normalize
    assert run_length(sentence, limits.effective_max_tokens, limits.max_tokens) == 256
    why = [line for line in limits.derivation if "sentence-transformers" in line]
    assert len(why) == 1
    assert "truncates at 256 tokens" in why[0] and "512 tokens the model accepts" in why[0]
    assert "seqfit embed, classify and tag fit windows of 256 tokens" in why[0]


def test_inspect_shows_both_limits_and_which_one_runs_use() -> None:
    result = CliRunner().invoke(app, ["inspect"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "mean pooling, normalized; truncates at 256 tokens" in result.output
    assert "embed/classify/tag fit to │ 256" in result.output
    data = json.loads(CliRunner().invoke(app, ["inspect", "--format", "json"]).stdout)
    assert data["sentence"]["max_seq_length"] == 256 and data["max_tokens"] == 512


def test_both_loading_paths_read_the_same_sentence_facts(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    fast = seqfit.inspect(default_model_path())
    monkeypatch.setenv("SEQFIT_IMPORT_PATH", "1")
    slow = seqfit.inspect(default_model_path())
    assert fast.sentence == slow.sentence and fast.sentence is not None
    assert fast.to_dict() == slow.to_dict()


def write(folder: Path, files: dict[str, Any]) -> Path:
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data))
    return folder


MODULES = [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
           {"idx": 1, "name": "1", "path": "1_Pooling",
            "type": "sentence_transformers.models.Pooling"}]


def test_legacy_pooling_flags_are_read_in_sentence_transformers_order(tmp_path: Path) -> None:
    folder = write(tmp_path, {"modules.json": MODULES,
                              "sentence_bert_config.json": {"max_seq_length": 128},
                              "1_Pooling/config.json": {"pooling_mode_cls_token": True,
                                                        "pooling_mode_mean_tokens": True}})
    facts = read_sentence_config(folder)
    assert facts == SentenceConfig(kind="sentence-transformers", max_seq_length=128,
                                   length_source="sentence_bert_config.json max_seq_length",
                                   modules=("Transformer", "Pooling"), pooling=("cls", "mean"))


def test_a_model_max_length_given_to_the_tokenizer_wins_over_max_seq_length(tmp_path: Path
                                                                             ) -> None:
    folder = write(tmp_path, {"modules.json": MODULES,
                              "sentence_bert_config.json": {
                                  "max_seq_length": 512,
                                  "processor_kwargs": {"model_max_length": 8192}},
                              "1_Pooling/config.json": {"pooling_mode": "lasttoken"}})
    facts = read_sentence_config(folder)
    assert facts is not None
    assert (facts.max_seq_length, facts.pooling) == (8192, ("lasttoken",))
    assert facts.length_source == "sentence_bert_config.json processor_kwargs.model_max_length"


def test_modules_seqfit_does_not_apply_are_listed(tmp_path: Path) -> None:
    dense = {"idx": 2, "name": "2", "path": "2_Dense",
             "type": "sentence_transformers.models.Dense"}
    folder = write(tmp_path, {"modules.json": [*MODULES, dense],
                              "1_Pooling/config.json": {"pooling_mode": ["mean"]}})
    facts = read_sentence_config(folder)
    assert facts is not None
    assert facts.unsupported == ("Dense",) and facts.max_seq_length is None
    assert "modules seqfit does not apply: Dense" in facts.describe()


@pytest.mark.parametrize("files", [
    {"config.json": {"model_type": "bert",
                     "sentence_transformers": {"activation_fn":
                                               "torch.nn.modules.activation.Sigmoid"}}},
    {"config.json": {"model_type": "bert",
                     "sbert_ce_default_activation_function":
                         "torch.nn.modules.activation.Sigmoid"}},
    {"config.json": {"model_type": "bert"},
     "config_sentence_transformers.json": {"model_type": "CrossEncoder",
                                           "activation_fn":
                                               "torch.nn.modules.activation.Sigmoid"}},
])
def test_cross_encoders_are_recognised_in_every_saved_form(tmp_path: Path,
                                                           files: dict[str, Any]) -> None:
    facts = read_sentence_config(write(tmp_path, files))
    assert facts is not None and facts.kind == "cross-encoder"
    assert facts.activation == "torch.nn.modules.activation.Sigmoid"


def test_a_plain_transformers_folder_has_no_sentence_facts(tmp_path: Path) -> None:
    assert read_sentence_config(write(tmp_path, {"config.json": {"model_type": "bert"}})) is None
    assert read_sentence_config(tmp_path / "missing") is None


def test_a_limit_above_the_table_is_capped_and_said(tmp_path: Path) -> None:
    from seqfit.model.sentence import sentence_sentence

    facts = SentenceConfig(kind="sentence-transformers", max_seq_length=1024)
    assert run_length(facts, 512, 512) == 512
    assert "above the 512 the model accepts" in sentence_sentence(facts, 512, 512)


@pytest.fixture(scope="module")
def saved_by_sentence_transformers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny BERT saved by sentence-transformers itself, with its own writer."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.models import Normalize, Pooling, Transformer

    config, tokenizer = zoo.build("bert")
    base = tmp_path_factory.mktemp("base")
    from transformers import AutoModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        AutoModel.from_config(config).save_pretrained(base)
    tokenizer.save_pretrained(base)
    transformer = Transformer(str(base), max_seq_length=48)
    pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode="max")
    model = SentenceTransformer(modules=[transformer, pooling, Normalize()], device="cpu")
    folder = tmp_path_factory.mktemp("st")
    model.save(str(folder))
    return folder


@pytest.mark.forward
def test_runs_fit_to_the_length_sentence_transformers_itself_truncates_at(
        saved_by_sentence_transformers: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # sentence-transformers 6 saves max_seq_length as the tokenizer's model_max_length
    from sentence_transformers import SentenceTransformer

    for folder in (saved_by_sentence_transformers, default_model_path()):
        limits = seqfit.inspect(folder)
        assert limits.sentence is not None
        ours = run_length(limits.sentence, limits.effective_max_tokens, limits.max_tokens)
        theirs = SentenceTransformer(str(folder), device="cpu").max_seq_length
        assert ours == theirs, folder
    limits = seqfit.inspect(saved_by_sentence_transformers)
    assert limits.sentence is not None
    assert (limits.sentence.max_seq_length, limits.sentence.pooling,
            limits.sentence.normalize) == (None, ("max",), True)
    assert (limits.max_tokens, limits.effective_max_tokens) == (64, 48)
    assert "truncates at the tokenizer's limit" in limits.derivation[-1]
    monkeypatch.setenv("SEQFIT_IMPORT_PATH", "1")
    assert seqfit.inspect(saved_by_sentence_transformers).to_dict() == limits.to_dict()
