"""A zoo of tiny, offline-buildable Hugging Face architectures for seqfit's tests.

Every entry is a builder returning ``(config, tokenizer)``:

* the config comes from ``transformers.AutoConfig.for_model(model_type, **small_kwargs)``: hidden
  sizes of 16-32, 1-2 layers, 2 heads, and SMALL position tables (64 positions, 66 for the
  RoBERTa family whose positions start at ``pad_token_id + 1 = 2``), with the settings that
  matter for lengths mirrored from real checkpoints (pad ids, type vocab sizes, windows, blocks);
* the tokenizer is the family's real transformers class, fed a tiny vocabulary trained IN MEMORY
  (``tokenizers`` trainers, or ``sentencepiece`` for Marian) on a generated English corpus, so
  its special tokens, templates and padding side are the real checkpoint's.

``config.vocab_size == len(tokenizer)`` everywhere except CANINE (characters are hashed, there is
no vocabulary). ``tokenizer.model_max_length`` is set the way the real hub checkpoints of the
family set it, scaled to the tiny table; families whose hub checkpoints carry no limit keep the
``int(1e30)`` sentinel (see ``SENTINEL`` entries in :data:`TOKENIZER_MAX_LENGTH`).

Nothing here touches the network.
"""

from __future__ import annotations

import functools
import json
import os
import random
import tempfile
import warnings
from collections.abc import Callable
from typing import Any

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
from tokenizers import processors as tk_processors

Builder = Callable[[], tuple[Any, Any]]
SENTINEL = int(1e30)  # what transformers uses for "this tokenizer knows no limit"

# ------------------------------------------------------------------------------------------------
# Corpus
# ------------------------------------------------------------------------------------------------

_WORDS = (
    "the a an of to in and is was for on that with as by at from it this be are were or not "
    "model models token tokens length input inputs text texts long short window block position "
    "positions table attention layer layers head heads hidden size vocabulary sentence sentences "
    "word words piece pieces train training trained data set small large tiny fast slow read "
    "write run runs running ran test tests testing check checks fit fits fitting batch batches "
    "encoder decoder sequence sequences limit limits true false error errors value values number "
    "numbers first last left right side pad padding special mask cls sep bos eos start end "
    "house garden river mountain city country people child children water light night day year "
    "time world life hand part place case week company system program question work government "
    "point home room mother area money story fact month lot right study book eye job word business "
    "issue side kind head house service friend father power hour game line end member law car "
    "Alice Bob Paris London Monday Tuesday January Python English French German"
).split()


@functools.cache
def corpus() -> tuple[str, ...]:
    """A deterministic English-ish corpus: ~1500 sentences with punctuation and digits."""
    rng = random.Random(1234)
    lines = []
    for _ in range(1500):
        n = rng.randint(4, 16)
        words = [rng.choice(_WORDS) for _ in range(n)]
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), str(rng.randint(0, 2026)))
        sentence = " ".join(words)
        sentence = sentence[0].upper() + sentence[1:]
        if rng.random() < 0.3:
            cut = rng.randrange(1, len(words))
            sentence = " ".join(words[:cut]) + ", " + " ".join(words[cut:])
        lines.append(sentence + rng.choice([".", ".", ".", "?", "!"]))
    return tuple(lines)


# ------------------------------------------------------------------------------------------------
# In-memory training of tiny vocabularies
# ------------------------------------------------------------------------------------------------


def _model_json(tok: Tokenizer) -> dict[str, Any]:
    return json.loads(tok.to_str())["model"]


def train_wordpiece(specials: list[str], size: int = 400, *, lowercase: bool = True,
                    unk: str = "[UNK]", prefix: str = "##") -> dict[str, int]:
    """WordPiece vocabulary (BERT pipeline); ``specials`` get ids 0.. in order."""
    tok = Tokenizer(models.WordPiece(unk_token=unk, continuing_subword_prefix=prefix))
    tok.normalizer = normalizers.BertNormalizer(lowercase=lowercase)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = trainers.WordPieceTrainer(vocab_size=size, special_tokens=specials,
                                        continuing_subword_prefix=prefix, show_progress=False)
    tok.train_from_iterator(corpus(), trainer)
    return tok.get_vocab()


def train_bytelevel_bpe(specials: list[str], size: int = 400, *, pre: Any = None
                        ) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """Byte-level BPE (GPT-2 / RoBERTa pipeline); ``specials`` get ids 0.. in order."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre or pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(vocab_size=size, special_tokens=specials, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(corpus(), trainer)
    m = _model_json(tok)
    return m["vocab"], [tuple(x) for x in m["merges"]]


def train_metaspace_bpe(specials: list[str], size: int = 300, *, unk: str = "<unk>",
                        byte_tokens: bool = False) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """SentencePiece-style BPE (Llama / Gemma / Reformer pipeline)."""
    tok = Tokenizer(models.BPE(unk_token=unk))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first",
                                                 split=True)
    bytes_ = [f"<0x{i:02X}>" for i in range(256)] if byte_tokens else []
    trainer = trainers.BpeTrainer(vocab_size=size + len(bytes_), special_tokens=specials + bytes_,
                                  show_progress=False)
    tok.train_from_iterator(corpus(), trainer)
    m = _model_json(tok)
    return m["vocab"], [tuple(x) for x in m["merges"]]


def train_unigram(specials: list[str], size: int = 300, *, unk: str = "<unk>",
                  lowercase: bool = False) -> list[tuple[str, float]]:
    """SentencePiece-style Unigram vocabulary with scores; ``specials`` first, in order."""
    tok = Tokenizer(models.Unigram())
    if lowercase:
        tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    trainer = trainers.UnigramTrainer(vocab_size=size, special_tokens=specials, unk_token=unk,
                                      show_progress=False)
    tok.train_from_iterator(corpus(), trainer)
    return [(p, float(s)) for p, s in _model_json(tok)["vocab"]]


def _append(vocab: dict[str, int], *tokens: str) -> dict[str, int]:
    vocab = dict(vocab)
    for t in tokens:
        if t not in vocab:
            vocab[t] = len(vocab)
    return vocab


def _append_scored(vocab: list[tuple[str, float]], *tokens: str) -> list[tuple[str, float]]:
    have = {p for p, _ in vocab}
    return list(vocab) + [(t, 0.0) for t in tokens if t not in have]


# ------------------------------------------------------------------------------------------------
# Tokenizer families (one function each, cached)
# ------------------------------------------------------------------------------------------------


def _quiet(fn: Callable[[], Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn()


@functools.cache
def tok_bert(cls_name: str = "BertTokenizer") -> Any:
    import transformers
    vocab = train_wordpiece(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    return _quiet(lambda: getattr(transformers, cls_name)(vocab=vocab))


@functools.cache
def tok_roberta(cls_name: str = "RobertaTokenizer") -> Any:
    import transformers
    vocab, merges = train_bytelevel_bpe(["<s>", "<pad>", "</s>", "<unk>"])
    vocab = _append(vocab, "<mask>")  # real RoBERTa: <mask> is the last id (50264)
    return _quiet(lambda: getattr(transformers, cls_name)(vocab=vocab, merges=merges))


@functools.cache
def tok_xlm_roberta(cls_name: str = "XLMRobertaTokenizer") -> Any:
    import transformers
    vocab = train_unigram(["<s>", "<pad>", "</s>", "<unk>"])
    vocab = _append_scored(vocab, "<mask>")
    return _quiet(lambda: getattr(transformers, cls_name)(vocab=vocab))


@functools.cache
def tok_albert() -> Any:
    from transformers import AlbertTokenizer
    vocab = train_unigram(["<pad>", "<unk>", "[CLS]", "[SEP]", "[MASK]"], lowercase=True)
    return _quiet(lambda: AlbertTokenizer(vocab=vocab))


@functools.cache
def tok_deberta() -> Any:
    from transformers import DebertaTokenizer
    vocab, merges = train_bytelevel_bpe(["[PAD]", "[CLS]", "[SEP]", "[UNK]"])
    vocab = _append(vocab, "[MASK]")
    return _quiet(lambda: DebertaTokenizer(vocab=vocab, merges=merges))


@functools.cache
def tok_deberta_v2() -> Any:
    from transformers import DebertaV2Tokenizer
    vocab = train_unigram(["[PAD]", "[CLS]", "[SEP]", "[UNK]"], unk="[UNK]")
    vocab = _append_scored(vocab, "[MASK]")
    return _quiet(lambda: DebertaV2Tokenizer(vocab=vocab, unk_id=3))


@functools.cache
def tok_mpnet() -> Any:
    from transformers import MPNetTokenizer
    vocab = train_wordpiece(["<s>", "<pad>", "</s>", "<unk>", "[UNK]"])
    vocab = _append(vocab, "<mask>")
    return _quiet(lambda: MPNetTokenizer(vocab=vocab))


@functools.cache
def tok_big_bird() -> Any:
    from transformers import BigBirdTokenizer
    vocab = train_unigram(["<pad>", "</s>", "<s>", "<unk>", "[CLS]", "[SEP]", "[MASK]"])
    return _quiet(lambda: BigBirdTokenizer(vocab=vocab))


@functools.cache
def tok_funnel() -> Any:
    from transformers import FunnelTokenizer
    vocab = train_wordpiece(["<pad>", "<unk>", "<cls>", "<sep>", "<mask>", "<s>", "</s>"],
                            unk="<unk>")
    return _quiet(lambda: FunnelTokenizer(vocab=vocab))


@functools.cache
def tok_xlnet() -> Any:
    from transformers import XLNetTokenizer
    vocab = train_unigram(["<unk>", "<s>", "</s>", "<cls>", "<sep>", "<pad>", "<mask>",
                           "<eod>", "<eop>"])
    return _quiet(lambda: XLNetTokenizer(vocab=vocab, unk_id=0))


@functools.cache
def tok_modernbert() -> Any:
    """ModernBERT ships a plain tokenizer.json (OLMo byte-level BPE + BERT template)."""
    from transformers import TokenizersBackend
    vocab, merges = train_bytelevel_bpe(["<|endoftext|>", "<|padding|>"])
    vocab = _append(vocab, "[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]")
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = tk_processors.TemplateProcessing(
        single="[CLS]:0 $A:0 [SEP]:0", pair="[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])])
    return _quiet(lambda: TokenizersBackend(
        tokenizer_object=tok, unk_token="[UNK]", cls_token="[CLS]", sep_token="[SEP]",
        pad_token="[PAD]", mask_token="[MASK]", bos_token=None, eos_token=None,
        model_input_names=["input_ids", "attention_mask"]))


@functools.cache
def tok_canine() -> Any:
    from transformers import CanineTokenizer
    return _quiet(lambda: CanineTokenizer())


@functools.cache
def tok_reformer() -> Any:
    from transformers import ReformerTokenizer
    vocab, merges = train_metaspace_bpe(["<unk>", "<s>", "</s>"], size=300)
    return _quiet(lambda: ReformerTokenizer(vocab=vocab, merges=merges))


@functools.cache
def tok_gpt2(cls_name: str = "GPT2Tokenizer", **kwargs: Any) -> Any:
    import transformers
    vocab, merges = train_bytelevel_bpe([])
    vocab = _append(vocab, "<|endoftext|>")  # real GPT-2: 50256, the last id
    return _quiet(lambda: getattr(transformers, cls_name)(vocab=vocab, merges=merges,
                                                          **dict(kwargs)))


@functools.cache
def tok_opt() -> Any:
    """OPT: GPT2Tokenizer over <s>=0 <pad>=1 </s>=2 <unk>=3, prepending </s> as BOS."""
    from transformers import GPT2Tokenizer
    vocab, merges = train_bytelevel_bpe(["<s>", "<pad>", "</s>", "<unk>"])
    return _quiet(lambda: GPT2Tokenizer(vocab=vocab, merges=merges, bos_token="</s>",
                                        eos_token="</s>", unk_token="</s>", pad_token="<pad>",
                                        add_bos_token=True))


@functools.cache
def tok_bloom() -> Any:
    """BLOOM ships a plain tokenizer.json: byte-level BPE, no template, left padding."""
    from transformers import TokenizersBackend
    vocab, merges = train_bytelevel_bpe(["<unk>", "<s>", "</s>", "<pad>"])
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    tok.decoder = decoders.ByteLevel()
    return _quiet(lambda: TokenizersBackend(
        tokenizer_object=tok, unk_token="<unk>", bos_token="<s>", eos_token="</s>",
        pad_token="<pad>", padding_side="left"))


@functools.cache
def tok_llama() -> Any:
    from transformers import LlamaTokenizer
    vocab, merges = train_metaspace_bpe(["<unk>", "<s>", "</s>"], size=300, byte_tokens=True)
    return _quiet(lambda: LlamaTokenizer(vocab=vocab, merges=merges, add_bos_token=True,
                                         add_eos_token=False))


@functools.cache
def tok_gemma() -> Any:
    from transformers import GemmaTokenizer
    vocab, merges = train_metaspace_bpe(["<pad>", "<eos>", "<bos>", "<unk>", "<mask>"],
                                        size=300, byte_tokens=True)
    return _quiet(lambda: GemmaTokenizer(vocab=vocab, merges=merges, add_bos_token=True,
                                         add_eos_token=False))


@functools.cache
def tok_qwen2() -> Any:
    from transformers import Qwen2Tokenizer
    vocab, merges = train_bytelevel_bpe([])
    vocab = _append(vocab, "<|endoftext|>", "<|im_start|>", "<|im_end|>")
    return _quiet(lambda: Qwen2Tokenizer(vocab=vocab, merges=merges))


@functools.cache
def tok_t5(extra_ids: int = 10) -> Any:
    """T5: <pad>=0 </s>=1 <unk>=2 ... <extra_id_N-1>..<extra_id_0> at the end (real: 100)."""
    from transformers import T5Tokenizer
    vocab = train_unigram(["<pad>", "</s>", "<unk>"])
    vocab = _append_scored(vocab, *[f"<extra_id_{i}>" for i in range(extra_ids - 1, -1, -1)])
    return _quiet(lambda: T5Tokenizer(vocab=vocab, extra_ids=extra_ids))


@functools.cache
def tok_pegasus() -> Any:
    from transformers import PegasusTokenizer
    specials = ["<pad>", "</s>", "<mask_1>", "<mask_2>"] + [f"<unk_{i}>" for i in range(2, 103)]
    vocab = train_unigram([*specials, "<unk>"], size=350)
    return _quiet(lambda: PegasusTokenizer(vocab=vocab))


@functools.cache
def tok_marian() -> Any:
    """Marian needs real SentencePiece model files: train two tiny ones in memory."""
    import io

    import sentencepiece as spm
    from transformers import MarianTokenizer

    d = tempfile.mkdtemp(prefix="seqfit-zoo-marian-")
    for name in ("source", "target"):
        buf = io.BytesIO()
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(corpus()), model_writer=buf, vocab_size=250,
            model_type="unigram", character_coverage=1.0, bos_id=-1, eos_id=0, unk_id=1,
            pad_id=-1, minloglevel=2)
        with open(os.path.join(d, f"{name}.spm"), "wb") as fh:
            fh.write(buf.getvalue())
    sp = spm.SentencePieceProcessor(model_file=os.path.join(d, "source.spm"))
    vocab = {sp.id_to_piece(i): i for i in range(sp.get_piece_size())}
    vocab["<pad>"] = len(vocab)  # opus-mt: <pad> is the last id (== decoder_start_token_id)
    with open(os.path.join(d, "vocab.json"), "w") as fh:
        json.dump(vocab, fh)
    return _quiet(lambda: MarianTokenizer(
        source_spm=os.path.join(d, "source.spm"), target_spm=os.path.join(d, "target.spm"),
        vocab=os.path.join(d, "vocab.json"), source_lang="en", target_lang="de"))


# ------------------------------------------------------------------------------------------------
# Configs
# ------------------------------------------------------------------------------------------------

# What the family's real hub tokenizers say in ``model_max_length``, scaled to the tiny tables.
# An int is a real limit (== usable length of the tiny model, as on the hub); SENTINEL mirrors hub
# checkpoints that ship without one (transformers then reports int(1e30)).
TOKENIZER_MAX_LENGTH: dict[str, int] = {}


def _ids(tok: Any, **overrides: Any) -> dict[str, Any]:
    """Token ids for the config, from the tokenizer, as real checkpoints set them."""
    out: dict[str, Any] = {"vocab_size": len(tok)}
    for field in ("pad_token_id", "bos_token_id", "eos_token_id"):
        value = getattr(tok, field, None)
        if value is not None:
            out[field] = value
    out.update(overrides)
    return out


def _config(model_type: str, **kwargs: Any) -> Any:
    from transformers import AutoConfig
    return _quiet(lambda: AutoConfig.for_model(model_type, **kwargs))


BERTISH = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=37,
               max_position_embeddings=64, type_vocab_size=2)
ROBERTISH = dict(BERTISH, max_position_embeddings=66, type_vocab_size=1)
LLAMAISH = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
                num_key_value_heads=1, max_position_embeddings=64)
BARTISH = dict(d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
               decoder_attention_heads=2, encoder_ffn_dim=37, decoder_ffn_dim=37,
               max_position_embeddings=64)


def _finish(name: str, config: Any, tok: Any, max_length: int | None) -> tuple[Any, Any]:
    if max_length is not None:
        tok.model_max_length = max_length
    TOKENIZER_MAX_LENGTH[name] = tok.model_max_length
    return config, tok


def _bert_like(model_type: str, tok: Any, **kw: Any) -> Any:
    return _config(model_type, **{**BERTISH, **_ids(tok), **kw})


# Each builder: () -> (config, tokenizer). The tokenizer objects are shared per family, so each
# builder works on a deepcopy before setting model_max_length.

def _tok(factory: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    import copy
    tok = factory(*args, **kwargs)
    return _quiet(lambda: copy.deepcopy(tok))  # Marian's __setstate__ warns about sacremoses


def b_bert() -> tuple[Any, Any]:
    tok = _tok(tok_bert)
    return _finish("bert", _bert_like("bert", tok), tok, 64)


def b_roberta() -> tuple[Any, Any]:
    tok = _tok(tok_roberta)
    return _finish("roberta", _config("roberta", **ROBERTISH, **_ids(tok)), tok, 64)


def b_xlm_roberta() -> tuple[Any, Any]:
    tok = _tok(tok_xlm_roberta)
    return _finish("xlm-roberta", _config("xlm-roberta", **ROBERTISH, **_ids(tok)), tok, 64)


def b_camembert() -> tuple[Any, Any]:
    tok = _tok(tok_xlm_roberta, "CamembertTokenizer")
    return _finish("camembert", _config("camembert", **ROBERTISH, **_ids(tok)), tok, 64)


def b_distilbert() -> tuple[Any, Any]:
    tok = _tok(tok_bert, "DistilBertTokenizer")
    cfg = _config("distilbert", dim=32, n_layers=2, n_heads=2, hidden_dim=37,
                  max_position_embeddings=64, **_ids(tok))
    return _finish("distilbert", cfg, tok, 64)


def b_albert() -> tuple[Any, Any]:
    tok = _tok(tok_albert)
    cfg = _bert_like("albert", tok, embedding_size=16)
    return _finish("albert", cfg, tok, 64)


def b_electra() -> tuple[Any, Any]:
    tok = _tok(tok_bert, "ElectraTokenizer")
    return _finish("electra", _bert_like("electra", tok, embedding_size=16), tok, 64)


def b_deberta() -> tuple[Any, Any]:
    """Like microsoft/deberta-base: relative attention, no absolute positions in the input."""
    tok = _tok(tok_deberta)
    cfg = _bert_like("deberta", tok, type_vocab_size=0, relative_attention=True,
                     position_biased_input=False, max_relative_positions=-1,
                     pos_att_type=["c2p", "p2c"])
    return _finish("deberta", cfg, tok, 64)


def b_deberta_v2() -> tuple[Any, Any]:
    """deberta-v2 with absolute positions (position_biased_input=True)."""
    tok = _tok(tok_deberta_v2)
    cfg = _bert_like("deberta-v2", tok, type_vocab_size=0, relative_attention=False,
                     position_biased_input=True)
    return _finish("deberta-v2", cfg, tok, 64)


def b_deberta_v2_relative() -> tuple[Any, Any]:
    """Like microsoft/deberta-v3-*: relative, bucketed positions, none added to the input."""
    tok = _tok(tok_deberta_v2)
    cfg = _bert_like("deberta-v2", tok, type_vocab_size=0, relative_attention=True,
                     position_biased_input=False, max_relative_positions=-1, position_buckets=16,
                     pos_att_type=["p2c", "c2p"], norm_rel_ebd="layer_norm", share_att_key=True)
    return _finish("deberta-v2-relative", cfg, tok, 64)


def b_mpnet() -> tuple[Any, Any]:
    tok = _tok(tok_mpnet)
    cfg = _config("mpnet", **{**ROBERTISH, **_ids(tok), "relative_attention_num_buckets": 32})
    cfg.__dict__.pop("type_vocab_size", None)
    return _finish("mpnet", cfg, tok, 64)


def b_longformer() -> tuple[Any, Any]:
    tok = _tok(tok_roberta)
    cfg = _config("longformer", **ROBERTISH, **_ids(tok), attention_window=[8, 8])
    return _finish("longformer", cfg, tok, 64)


def b_big_bird() -> tuple[Any, Any]:
    """Block sparse is used above (5 + 2*num_random_blocks)*block_size = 36 tokens."""
    tok = _tok(tok_big_bird)
    cfg = _bert_like("big_bird", tok, attention_type="block_sparse", block_size=4,
                     num_random_blocks=2, sep_token_id=tok.sep_token_id)
    return _finish("big_bird", cfg, tok, 64)


def b_funnel() -> tuple[Any, Any]:
    tok = _tok(tok_funnel)
    # architectures: AutoModel.from_config crashes on funnel (two candidate classes) when
    # config.architectures is None (transformers 5.24: `for arch in None`); hub configs set it.
    cfg = _config("funnel", block_sizes=[1, 1, 1], num_decoder_layers=1, d_model=32, n_head=2,
                  d_head=16, d_inner=37, architectures=["FunnelModel"], **_ids(tok))
    return _finish("funnel", cfg, tok, 512)  # funnel-transformer/small: 512, no position table


def b_xlnet() -> tuple[Any, Any]:
    tok = _tok(tok_xlnet)
    cfg = _config("xlnet", d_model=32, n_layer=2, n_head=2, d_inner=37, mem_len=None,
                  **_ids(tok))
    return _finish("xlnet", cfg, tok, SENTINEL)  # xlnet-base-cased: no model_max_length


def b_modernbert() -> tuple[Any, Any]:
    tok = _tok(tok_modernbert)
    cfg = _config("modernbert", hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                  num_attention_heads=2, max_position_embeddings=64, local_attention=8,
                  global_attn_every_n_layers=2,
                  **_ids(tok, cls_token_id=tok.cls_token_id, sep_token_id=tok.sep_token_id,
                         bos_token_id=tok.cls_token_id, eos_token_id=tok.sep_token_id))
    return _finish("modernbert", cfg, tok, 64)  # answerdotai/ModernBERT-base: 8192 == table


def b_canine() -> tuple[Any, Any]:
    tok = _tok(tok_canine)
    cfg = _config("canine", hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                  intermediate_size=37, max_position_embeddings=64, num_hash_functions=2,
                  num_hash_buckets=64, downsampling_rate=4, upsampling_kernel_size=4,
                  local_transformer_stride=8)
    return _finish("canine", cfg, tok, 64)  # google/canine-s: 2048 of a 16384 table


def b_reformer() -> tuple[Any, Any]:
    tok = _tok(tok_reformer)
    cfg = _config("reformer", hidden_size=32, attention_head_size=16, num_attention_heads=2,
                  attn_layers=["local", "lsh"], axial_pos_shape=[8, 8],
                  axial_pos_embds_dim=[16, 16], max_position_embeddings=64, feed_forward_size=37,
                  local_attn_chunk_length=8, lsh_attn_chunk_length=8, num_buckets=4,
                  is_decoder=True, **_ids(tok, pad_token_id=0))
    return _finish("reformer", cfg, tok, 64)  # reformer-crime-and-punishment: 524288 == table


def b_gpt2() -> tuple[Any, Any]:
    tok = _tok(tok_gpt2)
    cfg = _config("gpt2", n_positions=64, n_embd=32, n_layer=2, n_head=2, n_inner=37, **_ids(tok))
    return _finish("gpt2", cfg, tok, 64)  # gpt2: 1024 == n_positions


def b_gpt_neo() -> tuple[Any, Any]:
    tok = _tok(tok_gpt2)
    cfg = _config("gpt_neo", max_position_embeddings=64, hidden_size=32, num_layers=2,
                  num_heads=2, intermediate_size=37, attention_types=[[["global", "local"], 1]],
                  window_size=8, **_ids(tok))
    return _finish("gpt_neo", cfg, tok, 64)  # EleutherAI/gpt-neo-125m: 2048 == table


def b_gptj() -> tuple[Any, Any]:
    tok = _tok(tok_gpt2)
    cfg = _config("gptj", n_positions=64, n_embd=32, n_layer=2, n_head=2, n_inner=37,
                  rotary_dim=8, **_ids(tok))
    return _finish("gptj", cfg, tok, 64)  # EleutherAI/gpt-j-6b: 2048 == n_positions


def b_opt() -> tuple[Any, Any]:
    tok = _tok(tok_opt)
    cfg = _config("opt", hidden_size=32, num_hidden_layers=2, num_attention_heads=2, ffn_dim=37,
                  word_embed_proj_dim=32, max_position_embeddings=64,
                  **_ids(tok, bos_token_id=2, eos_token_id=2, pad_token_id=1))
    return _finish("opt", cfg, tok, SENTINEL)  # facebook/opt-125m: sentinel


def b_bloom() -> tuple[Any, Any]:
    tok = _tok(tok_bloom)
    cfg = _config("bloom", hidden_size=32, n_layer=2, n_head=2, **_ids(tok))
    return _finish("bloom", cfg, tok, SENTINEL)  # bigscience/bloom-560m: sentinel (ALiBi)


def b_llama() -> tuple[Any, Any]:
    tok = _tok(tok_llama)
    cfg = _config("llama", **LLAMAISH, **_ids(tok))
    return _finish("llama", cfg, tok, SENTINEL)  # Llama-2: sentinel


def b_mistral() -> tuple[Any, Any]:
    tok = _tok(tok_llama)
    cfg = _config("mistral", **LLAMAISH, sliding_window=16, **_ids(tok))
    return _finish("mistral", cfg, tok, SENTINEL)  # Mistral-7B-v0.1: sentinel


def b_qwen2() -> tuple[Any, Any]:
    tok = _tok(tok_qwen2)
    cfg = _config("qwen2", **LLAMAISH, **_ids(tok, bos_token_id=tok.eos_token_id))
    return _finish("qwen2", cfg, tok, 64)  # Qwen2-0.5B: 32768 == max_position_embeddings


def b_phi() -> tuple[Any, Any]:
    tok = _tok(tok_gpt2, "CodeGenTokenizer")
    cfg = _config("phi", hidden_size=32, intermediate_size=37, num_hidden_layers=2,
                  num_attention_heads=2, max_position_embeddings=64, partial_rotary_factor=0.5,
                  **_ids(tok))
    return _finish("phi", cfg, tok, 64)  # microsoft/phi-2: 2048 == table


def b_gemma() -> tuple[Any, Any]:
    tok = _tok(tok_gemma)
    cfg = _config("gemma", **LLAMAISH, head_dim=16, **_ids(tok))
    return _finish("gemma", cfg, tok, SENTINEL)  # google/gemma-2b: sentinel


def b_t5() -> tuple[Any, Any]:
    tok = _tok(tok_t5)
    cfg = _config("t5", d_model=32, d_kv=16, d_ff=37, num_layers=2, num_decoder_layers=2,
                  num_heads=2, relative_attention_num_buckets=8,
                  relative_attention_max_distance=32, **_ids(tok, decoder_start_token_id=0))
    return _finish("t5", cfg, tok, 64)  # t5-small: 512, relative positions, no table


def b_bart() -> tuple[Any, Any]:
    tok = _tok(tok_roberta, "BartTokenizer")
    cfg = _config("bart", **BARTISH, **_ids(tok, decoder_start_token_id=2,
                                             forced_eos_token_id=2))
    return _finish("bart", cfg, tok, 64)  # facebook/bart-base: 1024 == table


def b_led() -> tuple[Any, Any]:
    tok = _tok(tok_roberta, "LEDTokenizer")
    kw = {k: v for k, v in BARTISH.items() if k != "max_position_embeddings"}
    cfg = _config("led", **kw, max_encoder_position_embeddings=64,
                  max_decoder_position_embeddings=32, attention_window=[8],
                  **_ids(tok, decoder_start_token_id=2))
    return _finish("led", cfg, tok, 64)  # allenai/led-base-16384: 16384 == encoder table


def b_pegasus() -> tuple[Any, Any]:
    tok = _tok(tok_pegasus)
    cfg = _config("pegasus", **BARTISH, **_ids(tok, decoder_start_token_id=tok.pad_token_id))
    return _finish("pegasus", cfg, tok, 64)  # google/pegasus-*: 512 == table


def b_marian() -> tuple[Any, Any]:
    tok = _tok(tok_marian)
    cfg = _config("marian", **BARTISH, **_ids(tok, decoder_start_token_id=tok.pad_token_id,
                                               decoder_vocab_size=len(tok)))
    return _finish("marian", cfg, tok, 64)  # Helsinki-NLP/opus-mt-*: 512 == table



# ------------------------------------------------------------------------------------------------
# EXTENDED
# ------------------------------------------------------------------------------------------------


def backend_tok(kind: str, front: list[str], *, end: tuple[str, ...] = (), single: str = "$A",
                pair: str = "$A $B", template_tokens: tuple[str, ...] = (),
                **special: Any) -> Any:
    """A plain ``TokenizersBackend`` (what a hub ``tokenizer.json`` loads as) with a template.

    Used for families that ship only a tokenizer.json (BLOOM, Falcon, ...) and as a stand-in for
    Python-only tokenizers whose extra dependency (sacremoses, rjieba) is not installed here.
    """
    from transformers import TokenizersBackend
    if kind == "bytelevel":
        vocab, merges = train_bytelevel_bpe(front)
        vocab = _append(vocab, *end)
        tok = Tokenizer(models.BPE(vocab=vocab, merges=merges))
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tok.decoder = decoders.ByteLevel()
    elif kind == "wordpiece":
        unk = special.get("unk_token", "[UNK]")
        vocab = _append(train_wordpiece(front, unk=unk), *end)
        tok = Tokenizer(models.WordPiece(vocab=vocab, unk_token=unk))
        tok.normalizer = normalizers.BertNormalizer(lowercase=True)
        tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        tok.decoder = decoders.WordPiece()
    else:
        raise ValueError(kind)
    if template_tokens:
        tok.post_processor = tk_processors.TemplateProcessing(
            single=single, pair=pair, special_tokens=[(t, vocab[t]) for t in template_tokens])
    return _quiet(lambda: TokenizersBackend(tokenizer_object=tok, **special))


@functools.cache
def tok_luke() -> Any:
    from transformers import LukeTokenizer
    vocab, merges = train_bytelevel_bpe(["<s>", "<pad>", "</s>", "<unk>"])
    vocab = _append(vocab, "<mask>")
    return _quiet(lambda: LukeTokenizer(vocab=vocab, merges=merges,
                                        entity_vocab={"[PAD]": 0, "[UNK]": 1, "[MASK]": 2,
                                                      "[MASK2]": 3}))


@functools.cache
def tok_rembert() -> Any:
    from transformers import RemBertTokenizer
    vocab = train_unigram(["<pad>", "<unk>", "[CLS]", "[SEP]", "[MASK]"])
    tok = _quiet(lambda: RemBertTokenizer(vocab=vocab))
    # transformers 5.24: built from a vocab, RemBertTokenizer's _post_init() replaces its own
    # [CLS] A [SEP] template with a bare "$A"; google/rembert's tokenizer.json carries the template.
    _set_template(tok, "[CLS] $A [SEP]", "[CLS] $A [SEP] $B:1 [SEP]:1", "[CLS]", "[SEP]")
    return tok


def _set_template(tok: Any, single: str, pair: str, *special: str) -> None:
    tok._tokenizer.post_processor = tk_processors.TemplateProcessing(
        single=single, pair=pair,
        special_tokens=[(t, tok.convert_tokens_to_ids(t)) for t in special])


@functools.cache
def tok_blenderbot() -> Any:
    from transformers import BlenderbotTokenizer
    vocab, merges = train_bytelevel_bpe(["<s>", "<pad>", "</s>", "<unk>"])
    vocab = _append(vocab, "<mask>")
    tok = _quiet(lambda: BlenderbotTokenizer(vocab=vocab, merges=merges))
    # Built from a vocab, BlenderbotTokenizer adds nothing; the hub tokenizer.json (and the slow
    # tokenizer) append </s>.
    _set_template(tok, "$A </s>", "$A $B </s>", "</s>")
    return tok


@functools.cache
def tok_albert_family(cls_name: str) -> Any:
    import transformers
    vocab = train_unigram(["<pad>", "<unk>", "[CLS]", "[SEP]", "[MASK]"], lowercase=True)
    return _quiet(lambda: getattr(transformers, cls_name)(vocab=vocab))


@functools.cache
def tok_esm() -> Any:
    from transformers import EsmTokenizer
    d = tempfile.mkdtemp(prefix="seqfit-zoo-esm-")
    toks = ["<cls>", "<pad>", "<eos>", "<unk>", *"LAGVSERTIDPKQNFYMHWCXBUZO", ".", "-",
            "<null_1>", "<mask>"]
    path = os.path.join(d, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(toks) + "\n")
    return _quiet(lambda: EsmTokenizer(vocab_file=path))


@functools.cache
def tok_neox(cls_name: str = "GPTNeoXTokenizer") -> Any:
    import transformers
    vocab, merges = train_bytelevel_bpe(["<|endoftext|>", "<|padding|>"])
    return _quiet(lambda: getattr(transformers, cls_name)(vocab=vocab, merges=merges))


@functools.cache
def tok_xglm() -> Any:
    from transformers import XGLMTokenizer
    vocab = train_unigram(["<s>", "<pad>", "</s>", "<unk>"])
    vocab = _append_scored(vocab, *[f"<madeupword{i}>" for i in range(7)])
    return _quiet(lambda: XGLMTokenizer(vocab=vocab))


@functools.cache
def tok_mbart() -> Any:
    from transformers import MBartTokenizer
    from transformers.models.mbart.tokenization_mbart import FAIRSEQ_LANGUAGE_CODES
    vocab = train_unigram(["<s>", "<pad>", "</s>", "<unk>"])
    vocab = _append_scored(vocab, *FAIRSEQ_LANGUAGE_CODES, "<mask>")
    return _quiet(lambda: MBartTokenizer(vocab=vocab, src_lang="en_XX", tgt_lang="ro_RO"))


def _spm_files(prefix: str, vocab_size: int = 250, **kw: Any) -> tuple[str, Any]:
    import io

    import sentencepiece as spm
    d = tempfile.mkdtemp(prefix=f"seqfit-zoo-{prefix}-")
    buf = io.BytesIO()
    opts = dict(bos_id=0, pad_id=1, eos_id=2, unk_id=3)
    opts.update(kw)
    spm.SentencePieceTrainer.train(sentence_iterator=iter(corpus()), model_writer=buf,
                                   vocab_size=vocab_size, model_type="unigram",
                                   character_coverage=1.0, minloglevel=2, **opts)
    path = os.path.join(d, "sentencepiece.bpe.model")
    with open(path, "wb") as fh:
        fh.write(buf.getvalue())
    return path, spm.SentencePieceProcessor(model_file=path)


@functools.cache
def tok_m2m100() -> Any:
    from transformers import M2M100Tokenizer
    path, sp = _spm_files("m2m100")
    vocab = {sp.id_to_piece(i): i for i in range(sp.get_piece_size())}
    vpath = os.path.join(os.path.dirname(path), "vocab.json")
    with open(vpath, "w") as fh:
        json.dump(vocab, fh)
    return _quiet(lambda: M2M100Tokenizer(vocab_file=vpath, spm_file=path, src_lang="en",
                                          tgt_lang="fr"))


def m2m100_rows(tok: Any) -> int:
    """Embedding rows a real M2M100 checkpoint has: vocab + language codes + made-up words.

    len(tokenizer) counts only the spm vocabulary (250 here) although the tokenizer emits the
    language ids above it (``__en__`` is 268), so ``config.vocab_size > len(tokenizer)``."""
    return max(tok.lang_token_to_id.values()) + 1 + tok.num_madeup_words


@functools.cache
def tok_plbart() -> Any:
    from transformers import PLBartTokenizer
    path, _ = _spm_files("plbart")
    return _quiet(lambda: PLBartTokenizer(vocab_file=path, language_codes="base",
                                          src_lang="python", tgt_lang="en_XX"))


@functools.cache
def tok_prophetnet() -> Any:
    from transformers import ProphetNetTokenizer
    vocab = train_wordpiece(["[PAD]", "[CLS]", "[SEP]", "[UNK]", "[MASK]", "[X_SEP]"])
    d = tempfile.mkdtemp(prefix="seqfit-zoo-prophetnet-")
    path = os.path.join(d, "prophetnet.tokenizer")
    with open(path, "w") as fh:
        fh.write("\n".join(sorted(vocab, key=vocab.__getitem__)) + "\n")
    return _quiet(lambda: ProphetNetTokenizer(vocab_file=path))


def _bpe_files(prefix: str, specials: list[str], cont: str) -> tuple[str, str]:
    """vocab.json + merges.txt in the fairseq/subword-nmt style (``@@`` or ``</w>``)."""
    tok = Tokenizer(models.BPE(end_of_word_suffix="</w>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=[], show_progress=False,
                                  end_of_word_suffix="</w>")
    tok.train_from_iterator([line.lower() for line in corpus()], trainer)
    m = _model_json(tok)
    vocab: dict[str, int] = {t: i for i, t in enumerate(specials)}
    for t in sorted(m["vocab"], key=m["vocab"].__getitem__):
        key = (t[:-4] if t.endswith("</w>") else t + "@@") if cont == "@@" else t
        vocab.setdefault(key, len(vocab))
    d = tempfile.mkdtemp(prefix=f"seqfit-zoo-{prefix}-")
    vpath, mpath = os.path.join(d, "vocab.json"), os.path.join(d, "merges.txt")
    with open(vpath, "w") as fh:
        json.dump(vocab, fh)
    with open(mpath, "w") as fh:
        fh.write("#version: 0.2\n" + "\n".join(" ".join(x) for x in m["merges"]) + "\n")
    return vpath, mpath


@functools.cache
def tok_ctrl() -> Any:
    from transformers import CTRLTokenizer
    vpath, mpath = _bpe_files("ctrl", ["<unk>"], "@@")
    return _quiet(lambda: CTRLTokenizer(vocab_file=vpath, merges_file=mpath))


@functools.cache
def tok_blenderbot_small() -> Any:
    from transformers import BlenderbotSmallTokenizer
    vpath, mpath = _bpe_files("bbsmall", ["__null__", "__start__", "__end__", "__unk__"], "@@")
    return _quiet(lambda: BlenderbotSmallTokenizer(vocab_file=vpath, merges_file=mpath))


@functools.cache
def tok_phi3() -> Any:
    """Phi-3: the Llama tokenizer plus <|endoftext|> as pad (id 32000 on the hub)."""
    import copy
    tok = copy.deepcopy(tok_llama())
    tok.add_special_tokens({"pad_token": "<|endoftext|>"})
    return tok


def _m2m100() -> tuple[Any, Any]:
    tok = _tok(tok_m2m100)
    return _ext("m2m_100", "m2m_100", tok, 64, **BARTISH, decoder_start_token_id=2,
                vocab_size=m2m100_rows(tok))


def _ext(name: str, model_type: str, tok: Any, max_length: int | None, **kw: Any
         ) -> tuple[Any, Any]:
    return _finish(name, _config(model_type, **{**_ids(tok), **kw}), tok, max_length)


EXTENDED_BUILDERS: dict[str, Builder] = {
    # --- encoders -------------------------------------------------------------------------------
    "xlm": lambda: _ext(  # stand-in tokenizer: XLMTokenizer needs sacremoses
        "xlm", "xlm", backend_tok("bytelevel", ["<s>", "</s>", "<pad>", "<unk>"],
                                  end=tuple(f"<special{i}>" for i in range(10)),
                                  single="</s> $A </s>", pair="</s> $A </s> $B </s>",
                                  template_tokens=("</s>",), bos_token="<s>", eos_token="</s>",
                                  sep_token="</s>", cls_token="</s>", pad_token="<pad>",
                                  unk_token="<unk>", mask_token="<special1>"),
        64, emb_dim=32, n_layers=2, n_heads=2, max_position_embeddings=64, n_langs=1,
        use_lang_emb=False, mask_token_id=409, pad_index=2, bos_index=0, eos_index=1,
        unk_index=3, mask_index=409),
    "flaubert": lambda: _ext(  # stand-in tokenizer: FlaubertTokenizer needs sacremoses
        "flaubert", "flaubert", _tok(lambda: build("xlm")[1]), 64, emb_dim=32, n_layers=2,
        n_heads=2, max_position_embeddings=64, n_langs=1, use_lang_emb=False),
    "esm": lambda: _ext("esm", "esm", _tok(tok_esm), 64, hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=37,
                        max_position_embeddings=66, position_embedding_type="rotary",
                        mask_token_id=32, token_dropout=True, emb_layer_norm_before=False),
    "esm-absolute": lambda: _ext("esm-absolute", "esm", _tok(tok_esm), 64, hidden_size=32,
                                 num_hidden_layers=2, num_attention_heads=2,
                                 intermediate_size=37, max_position_embeddings=66,
                                 position_embedding_type="absolute", mask_token_id=32,
                                 token_dropout=True, emb_layer_norm_before=True),
    "ibert": lambda: _ext("ibert", "ibert", _tok(tok_roberta), 64, **ROBERTISH),
    "data2vec-text": lambda: _ext("data2vec-text", "data2vec-text", _tok(tok_roberta), 64,
                                  **ROBERTISH),
    "roberta-prelayernorm": lambda: _ext("roberta-prelayernorm", "roberta-prelayernorm",
                                         _tok(tok_roberta), 64, **ROBERTISH),
    "xmod": lambda: _ext("xmod", "xmod", _tok(tok_xlm_roberta), 64, **ROBERTISH,
                         languages=["en_XX"], default_language="en_XX"),
    "roformer": lambda: _ext(  # stand-in BertTokenizer: RoFormerTokenizer needs rjieba
        "roformer", "roformer", _tok(tok_bert), 64, **BERTISH, embedding_size=32),
    "squeezebert": lambda: _ext("squeezebert", "squeezebert", _tok(tok_bert), 64,
                                **{**BERTISH, "intermediate_size": 64}, embedding_size=32,
                                q_groups=2, k_groups=2, v_groups=2, post_attention_groups=2,
                                intermediate_groups=2, output_groups=2),
    "mobilebert": lambda: _ext("mobilebert", "mobilebert", _tok(tok_bert, "MobileBertTokenizer"),
                               64, **BERTISH, embedding_size=16, intra_bottleneck_size=16,
                               true_hidden_size=16, num_feedforward_networks=1),
    "convbert": lambda: _ext("convbert", "convbert", _tok(tok_bert, "ConvBertTokenizer"), 64,
                             **BERTISH, embedding_size=32, head_ratio=1, conv_kernel_size=3),
    "rembert": lambda: _ext("rembert", "rembert", _tok(tok_rembert), 64, **BERTISH,
                            input_embedding_size=16, output_embedding_size=16),
    "megatron-bert": lambda: _ext("megatron-bert", "megatron-bert", _tok(tok_bert), 64,
                                  **BERTISH),
    "ernie": lambda: _ext("ernie", "ernie", _tok(tok_bert), 64, **BERTISH),
    "layoutlm": lambda: _ext("layoutlm", "layoutlm", _tok(tok_bert, "LayoutLMTokenizer"), 64,
                             **BERTISH, max_2d_position_embeddings=64),
    # uw-madison/nystromformer-512: num_landmarks == segment_means_seq_len (64), so attention is
    # exact (no landmarks) at every length.
    "nystromformer": lambda: _ext("nystromformer", "nystromformer",
                                  _tok(tok_albert_family, "AlbertTokenizer"), 64,
                                  **{**BERTISH, "max_position_embeddings": 64},
                                  segment_means_seq_len=64, num_landmarks=64, conv_kernel_size=3),
    # Fewer landmarks than segment_means_seq_len: the landmark reshape then needs the input to be
    # EXACTLY segment_means_seq_len long; every other length fails.
    "nystromformer-landmarks": lambda: _ext("nystromformer-landmarks", "nystromformer",
                                            _tok(tok_albert_family, "AlbertTokenizer"), 64,
                                            **{**BERTISH, "max_position_embeddings": 64},
                                            segment_means_seq_len=64, num_landmarks=8,
                                            conv_kernel_size=3),
    "yoso": lambda: _ext("yoso", "yoso", _tok(tok_albert_family, "AlbertTokenizer"), 64,
                         **{**BERTISH, "max_position_embeddings": 64}, use_expectation=True,
                         conv_window=None),
    "fnet": lambda: _ext("fnet", "fnet", _tok(tok_albert_family, "FNetTokenizer"), 64,
                         hidden_size=32, num_hidden_layers=2, intermediate_size=37,
                         max_position_embeddings=64, type_vocab_size=4,
                         use_tpu_fourier_optimizations=False),
    "luke": lambda: _ext("luke", "luke", _tok(tok_luke), 64, **ROBERTISH, entity_vocab_size=4,
                         entity_emb_size=16),
    # --- windows / blocks / chunks that do not divide the position table ---------------------
    "longformer-window12": lambda: _finish(
        "longformer-window12", _config("longformer", **ROBERTISH, **_ids(_tok(tok_roberta)),
                                       attention_window=[12, 12]), _tok(tok_roberta), 64),
    "big_bird-block6": lambda: _finish(
        "big_bird-block6", _bert_like("big_bird", _tok(tok_big_bird),
                                      attention_type="block_sparse", block_size=6,
                                      num_random_blocks=2), _tok(tok_big_bird), 64),
    "reformer-chunk12": lambda: _finish(
        "reformer-chunk12", _config(
            "reformer", hidden_size=32, attention_head_size=16, num_attention_heads=2,
            attn_layers=["local", "lsh"], axial_pos_shape=[8, 8], axial_pos_embds_dim=[16, 16],
            max_position_embeddings=64, feed_forward_size=37, local_attn_chunk_length=12,
            lsh_attn_chunk_length=12, num_buckets=4, is_decoder=True,
            **_ids(_tok(tok_reformer), pad_token_id=0)), _tok(tok_reformer), 64),
    "bigbird_pegasus-block6": lambda: _ext("bigbird_pegasus-block6", "bigbird_pegasus",
                                           _tok(tok_pegasus), 64, **BARTISH,
                                           attention_type="block_sparse", block_size=6,
                                           num_random_blocks=2, decoder_start_token_id=0),
    # --- decoders -------------------------------------------------------------------------------
    "biogpt": lambda: _ext(  # stand-in tokenizer: BioGptTokenizer needs sacremoses
        "biogpt", "biogpt", backend_tok("bytelevel", ["<s>", "<pad>", "</s>", "<unk>"],
                                        single="</s> $A", pair="</s> $A </s> $B",
                                        template_tokens=("</s>",), bos_token="<s>",
                                        eos_token="</s>", sep_token="</s>", pad_token="<pad>",
                                        unk_token="<unk>"),
        64, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=37,
        max_position_embeddings=64),
    "xglm": lambda: _ext("xglm", "xglm", _tok(tok_xglm), SENTINEL, d_model=32, num_layers=2,
                         attention_heads=2, ffn_dim=37, max_position_embeddings=64),
    "gpt_neox": lambda: _ext("gpt_neox", "gpt_neox", _tok(tok_neox), SENTINEL, hidden_size=32,
                             num_hidden_layers=2, num_attention_heads=2, intermediate_size=37,
                             max_position_embeddings=64, rotary_pct=0.25),
    "falcon": lambda: _ext("falcon", "falcon",
                           backend_tok("bytelevel", [">>ABSTRACT<<", ">>INTRODUCTION<<",
                                                     "<|endoftext|>"],
                                       eos_token="<|endoftext|>"), 64,
                           hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                           max_position_embeddings=64, multi_query=True, alibi=False,
                           new_decoder_architecture=False, parallel_attn=True),
    "falcon-alibi": lambda: _ext("falcon-alibi", "falcon", _tok(lambda: build("falcon")[1]), 64,
                                 hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                                 max_position_embeddings=64, multi_query=True, alibi=True,
                                 new_decoder_architecture=False, parallel_attn=True),
    "mpt": lambda: _ext("mpt", "mpt", _tok(tok_neox), 64, d_model=32, n_heads=2, n_layers=2,
                        expansion_ratio=2, max_seq_len=64),
    "codegen": lambda: _ext("codegen", "codegen", _tok(tok_gpt2, "CodeGenTokenizer"), 64,
                            n_positions=64, n_ctx=64, n_embd=32, n_layer=2, n_head=2,
                            n_inner=37, rotary_dim=8),
    "ctrl": lambda: _ext("ctrl", "ctrl", _tok(tok_ctrl), 64, n_positions=64, n_embd=32,
                         n_layer=2, n_head=2, dff=37),
    "gpt_bigcode": lambda: _ext("gpt_bigcode", "gpt_bigcode", _tok(tok_gpt2), 64,
                                n_positions=64, n_embd=32, n_layer=2, n_head=2, n_inner=37),
    "phi3": lambda: _ext("phi3", "phi3", _tok(tok_phi3), 64, **LLAMAISH,
                         original_max_position_embeddings=64),
    "qwen3": lambda: _ext("qwen3", "qwen3", _tok(tok_qwen2), 64, **LLAMAISH, head_dim=16),
    "gemma2": lambda: _ext("gemma2", "gemma2", _tok(tok_gemma), SENTINEL, **LLAMAISH,
                           head_dim=16, sliding_window=16),
    "olmo": lambda: _ext("olmo", "olmo", _tok(tok_neox), SENTINEL, **LLAMAISH),
    "stablelm": lambda: _ext("stablelm", "stablelm", _tok(tok_neox), SENTINEL, **LLAMAISH,
                             partial_rotary_factor=0.25),
    "starcoder2": lambda: _ext("starcoder2", "starcoder2", _tok(tok_gpt2), SENTINEL,
                               **LLAMAISH, sliding_window=16),
    "mixtral": lambda: _ext("mixtral", "mixtral", _tok(tok_llama), SENTINEL, **LLAMAISH,
                            num_local_experts=2, num_experts_per_tok=1, sliding_window=None),
    # --- encoder-decoders -----------------------------------------------------------------------
    "mbart": lambda: _ext("mbart", "mbart", _tok(tok_mbart), 64, **BARTISH,
                          decoder_start_token_id=2),
    "m2m_100": lambda: _m2m100(),
    "blenderbot": lambda: _ext("blenderbot", "blenderbot", _tok(tok_blenderbot),
                               64, **BARTISH, decoder_start_token_id=1),
    "blenderbot-small": lambda: _ext("blenderbot-small", "blenderbot-small",
                                     _tok(tok_blenderbot_small), 64, **BARTISH,
                                     decoder_start_token_id=1),
    "mvp": lambda: _ext("mvp", "mvp", _tok(tok_roberta, "MvpTokenizer"), 64, **BARTISH,
                        decoder_start_token_id=2),
    "plbart": lambda: _ext("plbart", "plbart", _tok(tok_plbart), 64, **BARTISH,
                           decoder_start_token_id=2),
    "prophetnet": lambda: _ext("prophetnet", "prophetnet", _tok(tok_prophetnet), 64,
                               hidden_size=32, encoder_ffn_dim=37, decoder_ffn_dim=37,
                               num_encoder_layers=1, num_decoder_layers=1,
                               num_encoder_attention_heads=2, num_decoder_attention_heads=2,
                               max_position_embeddings=64, ngram=2, num_buckets=8,
                               relative_max_distance=16, decoder_start_token_id=0),
    "fsmt": lambda: _ext(  # stand-in tokenizer: FSMTTokenizer needs sacremoses
        "fsmt", "fsmt", backend_tok("bytelevel", ["<s>", "<pad>", "</s>", "<unk>"],
                                    single="$A </s>", pair="$A </s> $B </s>",
                                    template_tokens=("</s>",), bos_token="<s>", eos_token="</s>",
                                    sep_token="</s>", pad_token="<pad>", unk_token="<unk>"),
        64, langs=["en", "de"], d_model=32, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=37,
        decoder_ffn_dim=37, max_position_embeddings=64, decoder_start_token_id=2),
    "mt5": lambda: _ext("mt5", "mt5", _tok(tok_t5), 64, d_model=32, d_kv=16, d_ff=37,
                        num_layers=2, num_decoder_layers=2, num_heads=2,
                        relative_attention_num_buckets=8, relative_attention_max_distance=32,
                        decoder_start_token_id=0),
    "umt5": lambda: _ext("umt5", "umt5", _tok(tok_t5), 64, d_model=32, d_kv=16, d_ff=37,
                         num_layers=2, num_decoder_layers=2, num_heads=2,
                         relative_attention_num_buckets=8, relative_attention_max_distance=32,
                         decoder_start_token_id=0),
    "longt5": lambda: _ext("longt5", "longt5", _tok(tok_t5), 64, d_model=32, d_kv=16, d_ff=37,
                           num_layers=2, num_decoder_layers=2, num_heads=2,
                           relative_attention_num_buckets=8, relative_attention_max_distance=32,
                           encoder_attention_type="transient-global", local_radius=4,
                           global_block_size=4, decoder_start_token_id=0),
    "bigbird_pegasus": lambda: _ext("bigbird_pegasus", "bigbird_pegasus", _tok(tok_pegasus), 64,
                                    **BARTISH, attention_type="block_sparse", block_size=4,
                                    num_random_blocks=2, decoder_start_token_id=0),
}

ZOO: dict[str, Builder] = {
    "bert": b_bert,
    "roberta": b_roberta,
    "xlm-roberta": b_xlm_roberta,
    "camembert": b_camembert,
    "distilbert": b_distilbert,
    "albert": b_albert,
    "electra": b_electra,
    "deberta": b_deberta,
    "deberta-v2": b_deberta_v2,
    "deberta-v2-relative": b_deberta_v2_relative,
    "mpnet": b_mpnet,
    "longformer": b_longformer,
    "big_bird": b_big_bird,
    "funnel": b_funnel,
    "xlnet": b_xlnet,
    "modernbert": b_modernbert,
    "canine": b_canine,
    "reformer": b_reformer,
    "gpt2": b_gpt2,
    "gpt_neo": b_gpt_neo,
    "gptj": b_gptj,
    "opt": b_opt,
    "bloom": b_bloom,
    "llama": b_llama,
    "mistral": b_mistral,
    "qwen2": b_qwen2,
    "phi": b_phi,
    "gemma": b_gemma,
    "t5": b_t5,
    "bart": b_bart,
    "led": b_led,
    "pegasus": b_pegasus,
    "marian": b_marian,
}

REQUIRED: tuple[str, ...] = tuple(ZOO)

EXTENDED: tuple[str, ...] = tuple(EXTENDED_BUILDERS)
ZOO.update(EXTENDED_BUILDERS)

SKIPPED: dict[str, str] = {
    "nezha": "not in transformers 5.24 (removed with the deprecated models)",
}


@functools.cache
def build(name: str) -> tuple[Any, Any]:
    """``(config, tokenizer)`` for ``name``; cached, so treat both as read-only."""
    return ZOO[name]()
