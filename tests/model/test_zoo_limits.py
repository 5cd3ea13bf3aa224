"""The forward-pass proof: what ``seqfit.inspect`` says about lengths, the model really does.

For every zoo architecture (tests/zoo.py): a forward pass at exactly ``max_tokens`` runs and one at
``max_tokens + 1`` raises; where seqfit reports no hard limit, 4x the trained length runs. The
same holds on the decoder side of encoder-decoders, and at ``min_tokens`` from below.
"""

from __future__ import annotations

from typing import Any

import pytest
import transformers

import probe
import seqfit
import zoo

transformers.logging.set_verbosity_error()

NO_LIMIT_FALLBACK = 64  # 4 x this is tried where neither a hard limit nor a trained length exists
NAMES = [pytest.param(n, id=n) for n in zoo.REQUIRED] + [
    pytest.param(n, id=n, marks=pytest.mark.extended) for n in zoo.EXTENDED]


@pytest.fixture(scope="module")
def limits_of(zoo_build: Any) -> Any:
    cache: dict[str, Any] = {}

    def get(name: str) -> Any:
        if name not in cache:
            config, tokenizer = zoo_build(name)
            cache[name] = seqfit.inspect(config, tokenizer=tokenizer)
        return cache[name]

    return get


def _unbounded_length(side: Any) -> int:
    return 4 * (side.trained_length or NO_LIMIT_FALLBACK)


@pytest.mark.parametrize("name", NAMES)
def test_encoder_limit_is_the_forward_pass_limit(name: str, zoo_build: Any, zoo_model: Any,
                                                 limits_of: Any) -> None:
    config, tokenizer = zoo_build(name)
    model = zoo_model(name)
    limits = limits_of(name)

    if limits.max_tokens is None:
        n = _unbounded_length(limits)
        out = probe.run_forward(model, config, n, tokenizer=tokenizer)
        assert out.ok, f"{name}: seqfit says no hard limit, but {n} tokens fail: {out.error}"
        return
    at = probe.run_forward(model, config, limits.max_tokens, tokenizer=tokenizer)
    assert at.ok, f"{name}: max_tokens={limits.max_tokens} does not run: {at.error}"
    over = probe.run_forward(model, config, limits.max_tokens + 1, tokenizer=tokenizer)
    assert not over.ok, f"{name}: max_tokens={limits.max_tokens}, but {limits.max_tokens + 1} runs"


@pytest.mark.parametrize("name", NAMES)
def test_min_tokens_is_the_forward_pass_minimum(name: str, zoo_build: Any, zoo_model: Any,
                                                limits_of: Any) -> None:
    config, tokenizer = zoo_build(name)
    model = zoo_model(name)
    limits = limits_of(name)

    at = probe.run_forward(model, config, limits.min_tokens, tokenizer=tokenizer)
    assert at.ok, f"{name}: min_tokens={limits.min_tokens} does not run: {at.error}"
    if limits.min_tokens > 1:
        under = probe.run_forward(model, config, limits.min_tokens - 1, tokenizer=tokenizer)
        assert not under.ok, f"{name}: min_tokens={limits.min_tokens}, but one less runs"


# Written out, so that collecting the tests builds nothing; the test below keeps it true.
ENCODER_DECODERS = frozenset({
    "t5", "bart", "led", "pegasus", "marian", "bigbird_pegasus-block6", "mbart", "m2m_100",
    "blenderbot", "blenderbot-small", "mvp", "plbart", "prophetnet", "fsmt", "mt5", "umt5",
    "longt5", "bigbird_pegasus"})
ENC_DEC = [p for p in NAMES if p.values[0] in ENCODER_DECODERS]


@pytest.mark.zoo
def test_the_encoder_decoder_list_is_the_zoo_s(zoo_build: Any) -> None:
    assert {name for name in zoo.ZOO if getattr(
        zoo_build(name)[0], "is_encoder_decoder", False)} == ENCODER_DECODERS


@pytest.mark.parametrize("name", ENC_DEC)
def test_decoder_limit_is_the_forward_pass_limit(name: str, zoo_build: Any, zoo_model: Any,
                                                 limits_of: Any) -> None:
    config, tokenizer = zoo_build(name)
    model = zoo_model(name)
    limits = limits_of(name)
    assert limits.decoder is not None, f"{name} is an encoder-decoder: limits.decoder is None"
    dec = limits.decoder
    enc_n = max(limits.min_tokens, 8)

    if dec.max_tokens is None:
        n = _unbounded_length(dec)
        out = probe.run_forward(model, config, enc_n, decoder_n=n, tokenizer=tokenizer)
        assert out.ok, f"{name}: no decoder limit, but {n} decoder tokens fail: {out.error}"
        return
    at = probe.run_forward(model, config, enc_n, decoder_n=dec.max_tokens, tokenizer=tokenizer)
    assert at.ok, f"{name}: decoder max_tokens={dec.max_tokens} does not run: {at.error}"
    over = probe.run_forward(model, config, enc_n, decoder_n=dec.max_tokens + 1,
                             tokenizer=tokenizer)
    assert not over.ok, f"{name}: decoder max_tokens={dec.max_tokens}, but one more runs"


@pytest.mark.parametrize("name", NAMES)
def test_decoder_is_none_except_for_encoder_decoders(name: str, zoo_build: Any,
                                                     limits_of: Any) -> None:
    config, _ = zoo_build(name)
    if getattr(config, "is_encoder_decoder", False):
        assert limits_of(name).decoder is not None
    else:
        assert limits_of(name).decoder is None


# ------------------------------------------------------------------------------------------------
# The zoo itself: tokenizers behave like the real checkpoints of their family.
# ------------------------------------------------------------------------------------------------

# Special tokens added for (single, pair), and where: "A"/"B" stand for the texts.
TEMPLATES: dict[str, tuple[int, int, str]] = {
    "bert": (2, 3, "[CLS] A [SEP] B [SEP]"),
    "roberta": (2, 4, "<s> A </s> </s> B </s>"),
    "xlm-roberta": (2, 4, "<s> A </s> </s> B </s>"),
    "camembert": (2, 4, "<s> A </s> </s> B </s>"),
    "distilbert": (2, 3, "[CLS] A [SEP] B [SEP]"),
    "albert": (2, 3, "[CLS] A [SEP] B [SEP]"),
    "electra": (2, 3, "[CLS] A [SEP] B [SEP]"),
    "deberta": (2, 4, "[CLS] A [SEP] [SEP] B [SEP]"),
    "deberta-v2": (2, 3, "[CLS] A [SEP] B [SEP]"),
    "deberta-v2-relative": (2, 3, "[CLS] A [SEP] B [SEP]"),
    "mpnet": (2, 4, "<s> A </s> </s> B </s>"),
    "longformer": (2, 4, "<s> A </s> </s> B </s>"),
    "big_bird": (2, 3, "[CLS] A [SEP] B [SEP]"),
    "funnel": (2, 3, "<cls> A <sep> B <sep>"),
    "xlnet": (2, 3, "A <sep> B <sep> <cls>"),
    "modernbert": (2, 3, "[CLS] A [SEP] B [SEP]"),
    "reformer": (0, 0, "A B"),
    "gpt2": (0, 0, "A B"),
    "gpt_neo": (0, 0, "A B"),
    "gptj": (0, 0, "A B"),
    "opt": (1, 2, "</s> A </s> B"),
    "bloom": (0, 0, "A B"),
    "llama": (1, 2, "<s> A <s> B"),
    "mistral": (1, 2, "<s> A <s> B"),
    "qwen2": (0, 0, "A B"),
    "phi": (0, 0, "A B"),
    "gemma": (1, 2, "<bos> A <bos> B"),
    "t5": (1, 2, "A </s> B </s>"),
    "bart": (2, 4, "<s> A </s> </s> B </s>"),
    "led": (2, 4, "<s> A </s> </s> B </s>"),
    "pegasus": (1, 1, "A B </s>"),
    "marian": (1, 1, "A B </s>"),
}
BERT_PAIR = (2, 3, "[CLS] A [SEP] B [SEP]")
ROBERTA_PAIR = (2, 4, "<s> A </s> </s> B </s>")
NONE = (0, 0, "A B")
TEMPLATES.update({
    **dict.fromkeys(["xlm", "flaubert"], (2, 3, "</s> A </s> B </s>")),
    **dict.fromkeys(["esm", "esm-absolute"], (2, 3, "<cls> A <eos> B <eos>")),
    **dict.fromkeys(["ibert", "data2vec-text", "roberta-prelayernorm", "xmod", "luke", "mvp"],
                    ROBERTA_PAIR),
    **dict.fromkeys(["roformer", "squeezebert", "mobilebert", "convbert", "megatron-bert", "ernie",
                     "layoutlm", "rembert", "nystromformer", "nystromformer-landmarks", "yoso",
                     "fnet"], BERT_PAIR),
    "longformer-window12": ROBERTA_PAIR,
    "big_bird-block6": BERT_PAIR,
    "reformer-chunk12": NONE,
    "bigbird_pegasus-block6": TEMPLATES["pegasus"],
    "biogpt": (1, 2, "</s> A </s> B"),
    "xglm": (1, 3, "</s> A </s> </s> B"),
    **dict.fromkeys(["gpt_neox", "falcon", "falcon-alibi", "mpt", "codegen", "ctrl",
                     "gpt_bigcode", "qwen3", "olmo", "stablelm", "starcoder2",
                     "blenderbot-small"], NONE),
    **dict.fromkeys(["phi3", "mixtral"], TEMPLATES["llama"]),
    "gemma2": TEMPLATES["gemma"],
    "mbart": (2, 2, "A B </s> en_XX"),
    "m2m_100": (2, 2, "__en__ A B </s>"),
    "blenderbot": (1, 1, "A B </s>"),
    "plbart": (2, 2, "A B </s> __python__"),
    "prophetnet": (1, 2, "A [SEP] B [SEP]"),
    "fsmt": (1, 2, "A </s> B </s>"),
    **dict.fromkeys(["mt5", "umt5", "longt5"], TEMPLATES["t5"]),
    "bigbird_pegasus": TEMPLATES["pegasus"],
})
LEFT_PADDING = {"xlnet", "bloom", "llama", "mistral", "gemma", "phi3", "gemma2", "mixtral"}


def _shape(tokenizer: Any, ids: list[int], a: list[int], b: list[int]) -> str:
    """Render ids as the template, replacing the runs of text ids by A and B."""
    out: list[str] = []
    i = 0
    for label, part in (("A", a), ("B", b)):
        while ids[i:i + len(part)] != part:
            out.append(tokenizer.convert_ids_to_tokens(ids[i]))
            i += 1
        out.append(label)
        i += len(part)
    out.extend(tokenizer.convert_ids_to_tokens(ids[i:]))
    return " ".join(out)


@pytest.mark.parametrize("name", NAMES)
def test_zoo_entry_is_consistent(name: str, zoo_build: Any) -> None:
    config, tokenizer = zoo_build(name)
    if name == "m2m_100":  # len(tokenizer) leaves out the language codes it emits
        assert config.vocab_size == zoo.m2m100_rows(tokenizer) > len(tokenizer)
    elif name != "canine":  # CANINE hashes code points: there is no vocabulary to match
        assert config.vocab_size == len(tokenizer)
    pad = getattr(config, "pad_token_id", None)
    if tokenizer.pad_token_id is not None and pad is not None:
        assert pad == tokenizer.pad_token_id
    expected_side = "left" if name in LEFT_PADDING else "right"
    assert tokenizer.padding_side == expected_side


@pytest.mark.parametrize("name", [n for n in TEMPLATES if n in zoo.ZOO])
def test_zoo_tokenizer_has_the_family_template(name: str, zoo_build: Any) -> None:
    _, tokenizer = zoo_build(name)
    single, pair, template = TEMPLATES[name]
    assert tokenizer.num_special_tokens_to_add(pair=False) == single
    assert tokenizer.num_special_tokens_to_add(pair=True) == pair
    a = tokenizer("the model reads", add_special_tokens=False)["input_ids"]
    b = tokenizer("a long text", add_special_tokens=False)["input_ids"]
    ids = tokenizer("the model reads", "a long text")["input_ids"]
    assert len(ids) == len(a) + len(b) + pair
    assert _shape(tokenizer, ids, a, b) == template
