"""seqfit.explain: the corpus accuracy, and the whole human text for every code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import seqfit
from seqfit.diagnose.codes import CODES, SEQFIT_ONLY

#: The triggered corpus and the reconstructed texts of older releases and other frameworks; the
#: unseen set (``unseen.jsonl``) is measured on its own by ``test_unseen.py``.
CORPUS = [Path(__file__).parent / "errors" / name for name in ("corpus.jsonl",
                                                                 "reconstructed.jsonl")]


def load_corpus() -> list[dict]:
    return [json.loads(line) for path in CORPUS for line in path.read_text().splitlines()
            if line.strip()]


def test_the_corpus_covers_every_code_mostly_with_triggered_errors() -> None:
    records = load_corpus()
    assert len(records) >= 60
    assert {r["code"] for r in records} == set(CODES) - SEQFIT_ONLY
    triggered = sum(r["source"] == "triggered" for r in records)
    assert triggered / len(records) >= 0.6


def test_the_top_diagnosis_is_right_for_at_least_95_percent_of_the_corpus() -> None:
    records = load_corpus()
    misses = []
    for record in records:
        best = seqfit.explain(record["text"]).best
        if best.code != record["code"]:
            misses.append(f"{record['id']}: expected {record['code']}, got {best.code}")
    accuracy = 1 - len(misses) / len(records)
    print(f"\nexplain accuracy: {accuracy:.1%} of {len(records)} texts")
    for miss in misses:
        print("  miss:", miss)
    assert accuracy >= 0.95, "\n".join(misses)


def test_numbers_in_the_text_become_evidence() -> None:
    checked = 0
    for record in load_corpus():
        expect = record.get("expect") or {}
        best = seqfit.explain(record["text"]).best
        if best.code != record["code"] or not expect:
            continue
        for key, value in expect.items():
            if key in ("length", "limit") and re.search(rf"\b{value}\b", record["text"]):
                assert best.evidence.get(key) == value, (record["id"], key, best.evidence)
                checked += 1
    assert checked >= 10


def test_a_long_log_is_cut_to_the_traceback_that_matters() -> None:
    log = "\n".join([f"step {i}: loss 0.{i}" for i in range(500)] + [
        "Traceback (most recent call last):",
        '  File "train.py", line 3, in <module>',
        "    model(**batch)",
        "RuntimeError: The size of tensor a (802) must match the size of tensor b (512) at "
        "non-singleton dimension 1",
        "wandb: Waiting for W&B process to finish... (failed 1)."])
    explanation = seqfit.explain(log)
    assert explanation.excerpt.startswith("Traceback (most recent call last):")
    assert "step 10" not in explanation.excerpt
    assert explanation.best.evidence == {"length": 802, "limit": 512}


@pytest.mark.forward
def test_an_exception_is_explained_with_its_frames_and_the_model() -> None:
    import torch
    from transformers import AutoConfig, AutoModel

    from seqfit.model.loading import default_model_path

    config = AutoConfig.from_pretrained(default_model_path(), num_hidden_layers=1)
    model = AutoModel.from_config(config).eval()
    ids = torch.full((1, 8), 5)
    ids[0, 3] = 40000
    try:
        model(input_ids=ids)
    except IndexError as exc:
        explanation = seqfit.explain(exc, model=model, batch={"input_ids": ids})
    else:  # pragma: no cover
        pytest.fail("the forward pass should fail")
    assert explanation.best.code == "token_id_out_of_vocab"
    assert explanation.best.evidence["id"] == 40000
    assert explanation.best.evidence["vocab_rows"] == 30522


def test_the_json_form_has_every_diagnosis() -> None:
    data = seqfit.explain("IndexError: index out of range in self").to_dict()
    assert data["best"] == "over_max_positions"
    assert [d["code"] for d in data["diagnoses"]] == [
        "over_max_positions", "token_id_out_of_vocab", "token_type_out_of_range"]
    assert data["tell_apart"].startswith("the failing frame")


def test_labels_against_logits_get_the_fix_of_labels_not_of_masks() -> None:
    """shape_mismatch covers masks against ids and labels against logits; the message names
    which, and the cause and fix follow it."""
    labels = seqfit.explain("ValueError: Target size (torch.Size([16])) must be the same as "
                            "input size (torch.Size([16, 5]))").best
    assert labels.code == "shape_mismatch"
    assert "problem_type='multi_label_classification'" in labels.fix
    assert "labels (targets, references)" in labels.cause
    mask = seqfit.explain("ValueError: attention_mask last dim 256 must equal text length "
                          "300").best
    assert mask.code == "shape_mismatch"
    assert mask.fix == CODES["shape_mismatch"].fix


@pytest.mark.parametrize("text", [
    "sacreBLEU: System and reference streams have different lengths.",
    "AssertionError: Different number of candidates and references",
    "ValueError: Predictions and targets should be same length, but got 412 and 398 "
    "respectively."])
def test_a_metric_given_unpaired_lists_gets_the_fix_of_a_metric(text: str) -> None:
    best = seqfit.explain(text).best
    assert best.code == "shape_mismatch"
    assert "one prediction per reference" in best.fix and "num_labels" not in best.fix
    assert "([refs], not refs)" in best.fix


def test_audio_of_the_wrong_length_gets_the_fix_of_audio() -> None:
    best = seqfit.explain("AssertionError: Input size should be a multiple of num_samples").best
    assert best.code == "length_multiple_constraint"
    assert "samples" in best.fix and "tokenizer(" not in best.fix
    assert "wav.shape[-1] % N" in best.fix  # code in brackets is not an optional part
    text = seqfit.explain("ValueError: sequence length 1000 must be a multiple of the attention "
                          "window 512").best
    assert text.fix == CODES["length_multiple_constraint"].fix


def test_sequences_gathered_across_processes_are_padded_across_processes() -> None:
    best = seqfit.explain(
        "accelerate.utils.operations.DistributedOperationException: Cannot apply desired "
        "operation due to shape mismatches. All shapes across devices must be valid.\n\n"
        "Operation: `accelerate.utils.operations.gather`\nInput shapes:\n  - Process 0: "
        "[8, 142]\n  - Process 1: [8, 97]").best
    assert best.code == "ragged_batch_no_padding"
    assert best.fix.startswith("accelerator.pad_across_processes(")


@pytest.mark.parametrize(("text", "code", "evidence"), [
    # TensorFlow, JAX and NumPy saying what torch says with "size of tensor a (600) must
    # match the size of tensor b (512)": one axis differs, a position limit against more tokens
    ('ValueError: Exception encountered when calling layer "tf_bert_model" (type '
     "TFBertMainLayer). Dimensions must be equal, but are 512 and 600", "over_max_positions",
     {"length": 600, "limit": 512}),
    ("tensorflow.python.framework.errors_impl.InvalidArgumentError: Incompatible shapes: "
     "[8,600,768] vs. [1,512,768] [Op:AddV2]", "over_max_positions",
     {"length": 600, "limit": 512}),
    ("TypeError: add got incompatible shapes for broadcasting: (1, 600, 768), (1, 512, 768).",
     "over_max_positions", {"length": 600, "limit": 512}),
    ("ValueError: operands could not be broadcast together with shapes (1,600,768) (1,512,768)",
     "over_max_positions", {"length": 600, "limit": 512}),
    # an image, or two shapes with no position limit between them, say nothing
    ("ValueError: operands could not be broadcast together with shapes (3,224,224) (3,256,256)",
     "unknown", None),
    ("Incompatible shapes: [8,600,768] vs. [8,600,1024] [Op:AddV2]", "unknown", None),
    # the last axis of (batch, length, hidden) is the hidden size, 512 as often as not
    ("Incompatible shapes: [8,100,512] vs. [8,100,768] [Op:AddV2]", "unknown", None),
    # a table of a well-known vocabulary's size, indexed past its end
    ("IndexError: index 50257 is out of bounds for dimension 0 with size 50257",
     "token_id_out_of_vocab", {"index": 50257, "vocab_rows": 50257}),
])
def test_other_frameworks_shapes_and_tables_are_read_by_their_numbers(
        text: str, code: str, evidence: dict | None) -> None:
    best = seqfit.explain(text).best
    assert best.code == code
    if evidence is not None:
        assert best.evidence == evidence


@pytest.mark.parametrize(("line", "code"), [
    ("    active = logits[attention_mask.bool()]", "shape_mismatch"),
    ("    active_labels = labels[mask]", "label_alignment"),
    ("    crop = image[valid]", "unknown"),
])
def test_a_boolean_mask_of_another_length_is_read_from_the_failing_line(line: str,
                                                                         code: str) -> None:
    text = ('Traceback (most recent call last):\n  File "/home/u/eval.py", line 40, in <module>\n'
            f"{line}\nIndexError: The shape of the mask [8, 128] at index 1 does not match the "
            "shape of the indexed tensor [8, 512, 2] at index 1")
    best = seqfit.explain(text).best
    assert best.code == code
    if code != "unknown":
        assert best.evidence == {"length": 512, "other": 128}


def test_batches_of_different_lengths_joined_by_accelerate_are_ragged() -> None:
    """accelerate's dispatching loader joins every process's batch with torch.cat: batches
    padded each to its own longest row do not join."""
    text = ('Traceback (most recent call last):\n  File "/home/u/train.py", line 88, in <module>\n'
            "    trainer.train()\n  File \"/usr/lib/python3.10/site-packages/accelerate/"
            'data_loader.py", line 610, in _fetch_batches\n    batch = concatenate(batches, '
            'dim=0)\n  File "/usr/lib/python3.10/site-packages/accelerate/utils/operations.py", '
            "line 623, in concatenate\n    return torch.cat(data, dim=dim)\nRuntimeError: Sizes "
            "of tensors must match except in dimension 0. Expected size 112 but got size 128 for "
            "tensor number 1 in the list.")
    best = seqfit.explain(text).best
    assert best.code == "ragged_batch_no_padding"
    assert best.evidence == {"length": 112, "other": 128}


JUPYTER_WORD_EMBEDDINGS = """\
---------------------------------------------------------------------------
IndexError                                Traceback (most recent call last)
Cell In[7], line 3
      1 inputs = tokenizer(text, return_tensors="pt")
----> 3 outputs = model(**inputs)

File /opt/conda/lib/python3.10/site-packages/transformers/models/bert/modeling_bert.py:215, in \
BertEmbeddings.forward(self, input_ids, token_type_ids, position_ids, inputs_embeds)
    213 if inputs_embeds is None:
--> 215     inputs_embeds = self.word_embeddings(input_ids)
    216 token_type_embeddings = self.token_type_embeddings(token_type_ids)

File /opt/conda/lib/python3.10/site-packages/torch/nn/functional.py:2233, in embedding(input, \
weight, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse)
-> 2233 return torch.embedding(weight, input, padding_idx, scale_grad_by_freq, sparse)

IndexError: index out of range in self""".replace("\\\n", "")
IPYTHON7_GPT2_CAUSAL = """\
RuntimeError                              Traceback (most recent call last)
<ipython-input-12-3c1f0a9b2d7e> in <module>
----> 1 outputs = model(input_ids)

/home/u/envs/nlp/lib/python3.8/site-packages/transformers/models/gpt2/modeling_gpt2.py in \
_attn(self, query, key, value, attention_mask, head_mask)
    180             causal_mask = self.bias[:, :, key_length - query_length : key_length, :key_length]
--> 181             attn_weights = torch.where(causal_mask, attn_weights, self.masked_bias)

RuntimeError: The size of tensor a (1025) must match the size of tensor b (1024) at \
non-singleton dimension 3""".replace("\\\n", "")


@pytest.mark.parametrize(("text", "code", "innermost"), [
    # IPython 8 / Jupyter: the frame's failing line is the one its arrow marks, not the context
    # line after it (here token_type_embeddings, another table)
    (JUPYTER_WORD_EMBEDDINGS, "token_id_out_of_vocab",
     "inputs_embeds = self.word_embeddings(input_ids)"),
    # in colour, as a terminal shows it, and as pasted with the escape characters lost
    (JUPYTER_WORD_EMBEDDINGS.replace("File ", "\x1b[0;32mFile \x1b[0m").replace(
        "--> 215", "\x1b[0;32m--> 215\x1b[0m"), "token_id_out_of_vocab",
     "inputs_embeds = self.word_embeddings(input_ids)"),
    (JUPYTER_WORD_EMBEDDINGS.replace("File ", "[0;32mFile [0m").replace(
        "--> 215", "[0;32m--> 215[0m"), "token_id_out_of_vocab",
     "inputs_embeds = self.word_embeddings(input_ids)"),
    # IPython 7: 'path in function(args)'; a causal mask cut from GPT-2's 1024-position buffer
    (IPYTHON7_GPT2_CAUSAL, "over_max_positions",
     "attn_weights = torch.where(causal_mask, attn_weights, self.masked_bias)"),
])
def test_ipython_and_jupyter_tracebacks_give_their_frames(text: str, code: str,
                                                           innermost: str) -> None:
    explanation = seqfit.explain(text)
    assert explanation.best.code == code
    assert any(frame.endswith(": " + innermost) for frame in explanation.frames)


PYTEST_WORD_EMBEDDINGS = """\
    def test_forward():
        enc = tok(["hello " * 600], return_tensors="pt")
>       out = model(**enc)

tests/test_model.py:12:
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _
.venv/lib/python3.11/site-packages/transformers/models/bert/modeling_bert.py:212: in forward
    inputs_embeds = self.word_embeddings(input_ids)
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _

>       return torch.embedding(weight, input, padding_idx, scale_grad_by_freq, sparse)
E       IndexError: index out of range in self

.venv/lib/python3.11/site-packages/torch/nn/functional.py:2264: IndexError"""


def test_pytest_failures_give_their_frames() -> None:
    """pytest prints short entries ('x.py:212: in forward' and the code line), long ones (the
    code, '>' on the failing line, then 'x.py:12: ') and the error's lines after 'E'."""
    explanation = seqfit.explain(PYTEST_WORD_EMBEDDINGS)
    assert explanation.best.code == "token_id_out_of_vocab"
    assert explanation.frames[0] == "tests/test_model.py:<module>: out = model(**enc)"
    assert any(f.endswith(": inputs_embeds = self.word_embeddings(input_ids)")
               for f in explanation.frames)


RICH_WORD_EMBEDDINGS = """\
╭───────────────────── Traceback (most recent call last) ──────────────────────╮
│ /home/u/train.py:88 in <module>                                              │
│                                                                              │
│   85 │   )                                                                   │
│   86 │                                                                       │
│   87 │                                                                       │
│ ❱ 88 │   trainer.train()                                                     │
│                                                                              │
│ /usr/local/lib/python3.10/dist-packages/transformers/models/bert/modeling_be │
│ rt.py:215 in forward                                                         │
│                                                                              │
│   212 │   │   │   position_ids = self.position_ids[:, past_key_values_length │
│   213 │   │                                                                  │
│   214 │   │   if inputs_embeds is None:                                      │
│ ❱ 215 │   │   │   inputs_embeds = self.word_embeddings(input_ids)            │
│   216 │   │   token_type_embeddings = self.token_type_embeddings(token_type_ │
│                                                                              │
│ /usr/local/lib/python3.10/dist-packages/torch/nn/functional.py:2210 in       │
│ embedding                                                                    │
│                                                                              │
│   2207 │   │   # remove once script supports set_grad_enabled                │
│ ❱ 2210 │   return torch.embedding(weight, input, padding_idx, scale_grad_by_ │
│   2211                                                                       │
╰──────────────────────────────────────────────────────────────────────────────╯
IndexError: index out of range in self"""


def test_rich_tracebacks_are_read_as_python_prints_them() -> None:
    """rich's boxed traceback (accelerate's and typer's crashes): paths the box wrapped are
    joined, the line marked with the arrow is the frame's code, the context lines are not."""
    explanation = seqfit.explain(RICH_WORD_EMBEDDINGS)
    assert explanation.best.code == "token_id_out_of_vocab"
    assert [f.split(": ", 1)[0] for f in explanation.frames] == [
        "/home/u/train.py:<module>",
        "/usr/local/lib/python3.10/dist-packages/transformers/models/bert/modeling_bert.py:forward",
        "/usr/local/lib/python3.10/dist-packages/torch/nn/functional.py:embedding"]


def test_tensorflow_graph_errors_are_read_past_graph_execution_error() -> None:
    """TensorFlow prints the node's definition, then the message, after 'Graph execution
    error:'; the message is what says which table was indexed past its end."""
    text = ("Traceback (most recent call last):\n  File \"train_tf.py\", line 64, in <module>\n"
            "    model.fit(tf_train, epochs=3)\ntensorflow.python.framework.errors_impl."
            "InvalidArgumentError: Graph execution error:\n\nDetected at node tf_roberta/"
            "embeddings/assert_less/Assert/Assert defined at (most recent call last):\n"
            "    File \"train_tf.py\", line 64, in <module>\n\nassertion failed: [The maximum "
            "value of input_ids (Tensor(\"Max:0\", shape=(), dtype=int32)) must be smaller than "
            "the embedding layer's input dimension (50265). The likely cause is some problem at "
            "tokenization time.] [Condition x < y did not hold element-wise:]\n"
            "\t [[{{node tf_roberta/embeddings/assert_less/Assert/Assert}}]] "
            "[Op:__inference_train_function_40211]")
    assert seqfit.explain(text).best.code == "token_id_out_of_vocab"


@pytest.mark.parametrize("text", [
    "IndexError: index out of range in self\n>>> len(tokenizer)\n50260\n>>> model.transformer"
    ".wte\nEmbedding(50257, 768)",
    "RuntimeError: CUDA error: device-side assert triggered\n>>> len(tokenizer)\n50260\n>>> "
    "model.get_input_embeddings().weight.shape\ntorch.Size([50257, 768])",
])
def test_a_tokenizer_printed_longer_than_the_embedding_table_is_the_cause(text: str) -> None:
    best = seqfit.explain(text).best
    assert best.code == "token_id_out_of_vocab"
    assert best.evidence == {"index": 50259, "vocab_rows": 50257}


@pytest.mark.parametrize(("text", "code"), [
    # a device-side assert says only that an index left its table; token_type_ids printed before
    # it with a value the model's type_vocab_size has no row for say which
    ("token_type_ids unique: tensor([0, 1], device='cuda:0')\nmodel.config.type_vocab_size: 1\n"
     "../aten/src/ATen/native/cuda/Indexing.cu:1146: indexSelectLargeIndex: block: [96,0,0], "
     "thread: [0,0,0] Assertion `srcIndex < srcSelectDimSize` failed.\n"
     "Traceback (most recent call last):\n  File \"train.py\", line 140, in step\n"
     "    loss = model(**batch).loss\nRuntimeError: CUDA error: device-side assert triggered",
     "token_type_out_of_range"),
    # sentence-transformers' features['token_embeddings'] are the model's outputs: a device
    # assert in the pooling frame names no table
    ("Traceback (most recent call last):\n  File \"/st/models/Pooling.py\", line 151, in "
     "forward\n    attention_mask.unsqueeze(-1).expand(token_embeddings.size())\n"
     "RuntimeError: CUDA error: device-side assert triggered", "cuda_device_side_assert"),
    # 'No error, but with --debug I see this' is prose: the log line after it is the message
    ("Our bot answers garbage for long emails. No error, but with --debug I see this:\n\n"
     "2024-05-02 14:03:55 DEBUG    rasa.nlu.featurizers.dense_featurizer.lm_featurizer  - "
     "The sequence length of 'Dear support team, I...' is too long(734 tokens) for the "
     "model chosen roberta which has a maximum sequence length of 512 tokens.\n"
     "Is this why intent classification fails?", "over_max_positions"),
    # raise ValueError(\"\"\"\n    The (message history + ...\"\"\"): the exception's line is
    # empty, its indented lines are the message
    ('Traceback (most recent call last):\n  File "agent.py", line 1978, in prep\n'
     '    raise ValueError("""\nValueError: \n'
     "        The (message history + max_output_tokens) is longer than the\n"
     "        max chat context length of this model, and we have run out\n"
     "        of msgs to truncate.\n", "generation_length"),
    # Keras wraps a layer's error: 'Exception encountered when calling layer ...', a blank line,
    # then the layer's own message, which says what failed
    ("Traceback (most recent call last):\n  File \"train_tf.py\", line 77, in <module>\n"
     "    model.fit(tf_train, epochs=3)\ntensorflow.python.framework.errors_impl."
     "InvalidArgumentError: Exception encountered when calling layer 'embeddings' (type "
     "TFBertEmbeddings).\n\nThe maximum value of input_ids (Tensor(\"Max:0\", shape=(), "
     "dtype=int32)) must be smaller than the embedding layer's input dimension (30522). "
     "The likely cause is some problem at tokenization time.\nCondition x < y did not "
     "hold.\n\nCall arguments received by layer 'embeddings' (type TFBertEmbeddings):\n"
     "  • input_ids=tf.Tensor(shape=(16, 128), dtype=int32)", "token_id_out_of_vocab"),
])
def test_the_message_is_read_where_its_tool_prints_it(text: str, code: str) -> None:
    assert seqfit.explain(text).best.code == code


@pytest.mark.parametrize(("text", "code", "evidence"), [
    ("IndexError: Unsloth: cross entropy target 151667 is out of bounds for a vocabulary of "
     "151665 (ignore_index = -100).", "token_id_out_of_vocab",
     {"index": 151667, "vocab_rows": 151665}),
    ("IndexError: Target 7 is out of bounds.", "label_out_of_range", {"index": 7}),
])
def test_a_loss_target_past_a_vocabulary_is_a_token_id(text: str, code: str,
                                                        evidence: dict) -> None:
    best = seqfit.explain(text).best
    assert (best.code, best.evidence) == (code, evidence)


def test_multimodal_placeholders_against_features_are_a_shape_mismatch_with_their_fix() -> None:
    """The image tokens of a prompt counted against the image features: truncation that cut
    the placeholders is the usual cause, and the fix says so."""
    best = seqfit.explain("ValueError: Image features and image tokens do not match: tokens: "
                          "512, features 2304").best
    assert best.code == "shape_mismatch"
    assert "placeholder" in best.cause and "truncation" in best.fix


def test_torch_overflowing_on_the_sentinel_in_a_tokenizer_line_is_the_sentinel() -> None:
    text = ('Traceback (most recent call last):\n  File "pack.py", line 18, in <module>\n'
            "    buf = torch.full((bsz, tokenizer.model_max_length), 0, dtype=torch.long)\n"
            "RuntimeError: Overflow when unpacking long")
    assert seqfit.explain(text).best.code == "model_max_length_sentinel"
    assert seqfit.explain("RuntimeError: Overflow when unpacking long").best.code == "unknown"


def test_a_text_splitters_overlap_gets_the_fix_of_a_splitter() -> None:
    best = seqfit.explain("ValueError: Got a larger chunk overlap (200) than chunk size (100), "
                          "should be smaller.").best
    assert best.code == "stride_overflow"
    assert best.evidence == {"stride": 200, "limit": 100}
    assert "chunk_overlap=" in best.fix


@pytest.mark.parametrize(("text", "code", "evidence"), [
    ("AssertionError: length (1536) >= max_pos (1024)", "over_max_positions",
     {"length": 1536, "limit": 1024}),
    ("ValueError: seq_len=4096 > max_seq_len=2048", "over_max_positions",
     {"length": 4096, "limit": 2048}),
    ("ValueError: n_tokens: 3 < min_len: 8", "under_min_length", {"length": 3, "minimum": 8}),
])
def test_a_comparison_stated_with_the_codes_names_is_read(text: str, code: str,
                                                          evidence: dict) -> None:
    best = seqfit.explain(text).best
    assert best.code == code
    assert best.evidence == evidence


@pytest.mark.parametrize("text", [
    "AssertionError: hidden_size (768) > max_len (512)",  # the model's own size
    "ValueError: max_src_seq_length (613) > max_tgt_seq_length (512)",  # two limits
    "AssertionError: seq_len (600) != mask_len (512)",  # two lengths: any two of anything
])
def test_a_comparison_of_other_names_is_not_read_as_a_length(text: str) -> None:
    from seqfit.diagnose.signatures import NAMED_COMPARISON, named_comparison

    match = NAMED_COMPARISON.search(text)
    assert match is None or named_comparison(match, text, ()) == []


@pytest.mark.parametrize(("text", "code"), [
    # two inputs of the model named on either side of '!='
    ("AssertionError: sample 3: built loss_mask length 1790 != input_ids length 1802",
     "shape_mismatch"),
    ("AssertionError: labels 10 != input_ids 12", "label_alignment"),
    ("AssertionError: foo 10 != bar 12", "unknown"),
    # "shouldn't exceed 512 tokens" states a limit as "cannot exceed" does
    ("RuntimeError: input sequence after bert tokenization shouldn't exceed 512 tokens.",
     "over_max_positions"),
])
def test_messages_of_tools_not_in_the_catalogue(text: str, code: str) -> None:
    assert seqfit.explain(text).best.code == code


def test_a_trainer_banner_before_the_traceback_does_not_speak_for_the_error() -> None:
    """The Trainer's info lines ("Instantaneous batch size per device = 32") are off-topic
    templates of the catalogue; printed before the traceback, they do not overrule its error."""
    text = ("***** Running training *****\n  Num examples = 24,000\n  Instantaneous batch size "
            "per device = 32\n  Total train batch size (w. parallel, distributed & accumulation) "
            "= 32\n  0%|          | 0/2250 [00:00<?, ?it/s]Traceback (most recent call last):\n"
            '  File "/p/train.py", line 133, in <module>\n    trainer.train()\nTypeError: '
            "DistilBertForSequenceClassification.forward() got an unexpected keyword argument "
            "'token_type_ids'")
    assert seqfit.explain(text).best.code == "unexpected_token_type_ids"


@pytest.mark.parametrize(("text", "code"), [
    ("ValueError: There are fewer than 512 encoded tokens in the corpus.", "under_min_length"),
    ("ValueError: Not enough tokens to form one window of 128.", "under_min_length"),
    ("ValueError: position ids must be in the range [0, 2048), got 2050", "over_max_positions"),
    ("ValueError: token id 50300 is not in the vocabulary", "token_id_out_of_vocab"),
    ("ValueError: the tokenizer has 32001 entries, the model's vocab_size is 32000: they do not "
     "match", "token_id_out_of_vocab"),
    ("RuntimeError: Embedding lookup index out of range: 50300", "token_id_out_of_vocab"),
    ("ValueError: Position IDs shape torch.Size([16, 74]) does not match input ids shape "
     "torch.Size([16, 75]).", "shape_mismatch"),
    ("FinetuneError: the length of your labels does not match the length of your text",
     "shape_mismatch"),
    ("ValueError: Tokens and labels do not align", "label_alignment"),
    ("The block_size passed (4096) is larger than the maximum length for the model (2048). "
     "Using block_size=2048.", "over_max_positions"),
    ("AssertionError: number of tokens must be divisible by number of tokens per frame 256",
     "length_multiple_constraint"),
    ("ValueError: Length of input ids 41 does not match cache sequence length 40.",
     "shape_mismatch"),
    ("ValueError: overlap_ratio must be between 0 and 1. Current value: 1.25",
     "stride_overflow"),
    ("PolygraphyException: Input tensor: input_ids | Received incompatible shape: (1, 384).\n"
     "Note: Expected a shape compatible with: BoundedShape([1, 128], min=None, max=None)",
     "export_fixed_length"),
    # a measured length under the bound it must reach, the bound named anyhow
    ("ValueError: Prompt length (6) must be larger than sink_size=8.", "under_min_length"),
    ("WARNING:aligner:skipped utterance 12: output sequence length 41 < 58 after encoding",
     "under_min_length"),
])
def test_keyword_families_read_messages_worded_their_own_way(text: str, code: str) -> None:
    """The families of each code, on messages of no library: the wording index plays no part."""
    from seqfit.diagnose.families import family_votes

    assert [v.code for v in family_votes(text)] == [code]
    assert seqfit.explain(text).best.code == code


@pytest.mark.parametrize(("text", "length", "minimum"), [
    ("ValueError: Prompt length (6) must be larger than sink_size=8.", 6, 8),
    ("WARNING:aligner:skipped utterance 12: output sequence length 41 < 58 after encoding",
     41, 58),
])
def test_a_length_under_its_bound_gives_both_numbers(text: str, length: int,
                                                     minimum: int) -> None:
    best = seqfit.explain(text).best
    assert best.evidence["length"] == length and best.evidence["minimum"] == minimum
    # in the words of a measured length, not of CANINE's or Funnel's downsampling
    assert f"measures ({length})" in best.cause and f"reach ({minimum})" in best.cause
    assert "CANINE" not in best.cause


def test_a_setting_under_a_bound_is_not_a_short_input() -> None:
    """max_seq_len is a setting, not a measured length: it is not read as a short input."""
    from seqfit.diagnose.families import family_votes

    text = "ValueError: max_seq_len (6) must be larger than sink_size=8."
    assert "under_min_length" not in [v.code for v in family_votes(text)]


@pytest.mark.parametrize("prefix", ["[rank1]: ", "[default0]:", "[1,0]<stderr>:",
                                    "(RayTrainWorker pid=4120) ", "[pod/trainer-0/main] ",
                                    "worker-0: "])
def test_the_prefix_a_launcher_puts_on_each_line_is_read_through(prefix: str) -> None:
    """torchrun, mpirun, Ray and kubectl prefix every line of a worker: the traceback's frames
    and a message over several lines are read as if the prefix were not there."""
    lines = ['Traceback (most recent call last):',
             '  File "/w/ner_eval.py", line 133, in <module>',
             '    preds = accelerator.gather(predictions)',
             "accelerate.utils.operations.DistributedOperationException: Cannot apply desired "
             "operation due to shape mismatches. All shapes across devices must be valid.", "",
             "Operation: `accelerate.utils.operations.gather`", "Input shapes:",
             "  - Process 0: [16, 41]", "  - Process 1: [16, 58]"]
    explanation = seqfit.explain("\n".join(prefix + line for line in lines))
    assert explanation.best.code == "ragged_batch_no_padding"
    assert explanation.frames and "ner_eval.py" in explanation.frames[0]


@pytest.mark.parametrize(("line", "message", "code"), [
    ("assert n <= self.max_seq_len", "AssertionError", "over_max_positions"),
    ("assert self.cross_attn_seq_len < seq_len <= self.max_seq_len", "AssertionError",
     "over_max_positions"),
    ("assert seq_len >= self.min_seq_len", "AssertionError", "under_min_length"),
    ("assert sum(seqlens) == num_toks, (sum(seqlens), num_toks)", "AssertionError: (1416, 1408)",
     "shape_mismatch"),
    ("_assert(H % self.block_size == 0, '')", "AssertionError", "length_multiple_constraint"),
    # the model's own sizes, and checks of no length, stay unknown
    ("assert self.hidden_size % self.num_heads == 0", "AssertionError", "unknown"),
    ("assert x.dim() == 3", "AssertionError", "unknown"),
    ("assert len(batch) > 0", "AssertionError", "unknown"),
    # the direction of the comparison says which end failed: an input that had to be at least
    # a bound (of any name) is too short; a length against a configured size still a multiple
    ("assert seq_len >= prophet_seq_len", "AssertionError", "under_min_length"),
    ("assert max_len >= seq_len", "AssertionError", "over_max_positions"),
    ("assert total_length % world_size == 0", "AssertionError", "length_multiple_constraint"),
    # a length held in a name against one measured from a tensor: the measured one is the input
    ("assert total_length >= size[1]", "AssertionError", "over_max_positions"),
    # labels against the token sequence, not against other lists
    ("assert len(label_ids) == max_seq_length", "AssertionError", "label_alignment"),
    ("assert len(labels) == len(texts)", "AssertionError", "shape_mismatch"),
])
def test_an_assert_without_a_message_is_read_from_its_condition(line: str, message: str,
                                                                code: str) -> None:
    text = ('Traceback (most recent call last):\n  File "train.py", line 40, in <module>\n'
            '    logits = model(tokens)\n  File "/venv/lib/python3.11/site-packages/local_attention/'
            f'transformer.py", line 373, in forward\n    {line}\n{message}')
    assert seqfit.explain(text).best.code == code


HUMAN = {
    'over_max_positions': (
        'RuntimeError: The size of tensor a (802) must match the size of tensor b (512) at non-singleton dimension 1',
        "Input longer than the model's position table [over_max_positions, confidence 58%]\nCause: An input of 802 tokens is longer than the model's position table (512 tokens, special tokens included): positions past the table do not exist, so the lookup fails (or, in some models, a shape check does).\nFix: tokenizer(texts, truncation=True, max_length=512), or keep every token with seqfit.fit(texts, tokenizer=tokenizer, strategy='window')\nEvidence: length=802, limit=512\nOther candidates: shape_mismatch (19%)"),
    'token_id_out_of_vocab': (
        'File "/x/transformers/models/bert/modeling_bert.py", line 95, in forward\n    inputs_embeds = self.word_embeddings(input_ids)\nIndexError: index out of range in self',
        'Token id outside the embedding table [token_id_out_of_vocab, confidence 89%]\nCause: A token id is not below the size of the embedding table: the tokenizer knows tokens the model does not, usually added tokens without resizing, or a tokenizer from another model.\nFix: model.resize_token_embeddings(len(tokenizer)) after adding tokens, or load the tokenizer of this model: AutoTokenizer.from_pretrained(<model name>)'),
    'token_type_out_of_range': (
        'File "/x/transformers/models/roberta/modeling_roberta.py", line 110, in forward\n    token_type_embeddings = self.token_type_embeddings(token_type_ids)\nIndexError: index out of range in self',
        "token_type_ids outside type_vocab_size [token_type_out_of_range, confidence 92%]\nCause: token_type_ids hold a value the model has no embedding for; RoBERTa-family models have a single token type, yet a BERT-style tokenizer marks the second text of a pair with 1.\nFix: tokenizer(..., return_token_type_ids=False), or use the model's own tokenizer"),
    'unexpected_token_type_ids': (
        "TypeError: DistilBertModel.forward() got an unexpected keyword argument 'token_type_ids'",
        "token_type_ids given to a model that takes none [unexpected_token_type_ids, confidence 92%]\nCause: The batch has token_type_ids but this model's forward() has no such argument (DistilBERT, BART, GPT-Neo and most decoders).\nFix: tokenizer(..., return_token_type_ids=False), or batch.pop('token_type_ids') before model(**batch)"),
    'ragged_batch_no_padding': (
        "ValueError: Unable to create tensor, you should probably activate truncation and/or padding with 'padding=True' 'truncation=True' to have batched tensors with the same length. Perhaps your features (`input_ids` in this case) have excessive nesting (inputs type `list` where type `int` is expected).",
        "Rows of different lengths were never padded [ragged_batch_no_padding, confidence 86%]\nCause: A batch was built from sequences of different lengths without padding, so they cannot form one tensor.\nFix: tokenizer(texts, padding=True, truncation=True, return_tensors='pt'), or DataCollatorWithPadding(tokenizer) / seqfit.Collator(tokenizer) as data_collator; a Trainer given the tokenizer pads by itself: Trainer(..., processing_class=tokenizer) (tokenizer=tokenizer before transformers 4.46)"),
    'missing_pad_token': (
        "ValueError: Asking to pad but the tokenizer does not have a padding token. Please select a token to use as `pad_token` `(tokenizer.pad_token = tokenizer.eos_token e.g.)` or add a new pad token via `tokenizer.add_special_tokens({'pad_token': '[PAD]'})`.",
        'The tokenizer has no pad token [missing_pad_token, confidence 99%]\nCause: Rows of different lengths must be padded, but this tokenizer (often GPT-2 or Llama) defines no pad token, and the model has no pad_token_id.\nFix: tokenizer.pad_token = tokenizer.eos_token; model.config.pad_token_id = tokenizer.pad_token_id'),
    'shape_mismatch': (
        "TypeError: BertModel.forward() got multiple values for keyword argument 'attention_mask'",
        "Inputs whose shapes disagree [shape_mismatch, confidence 86%]\nCause: Two inputs of the forward pass have different shapes: an attention_mask or labels built separately from the ids, or a keyword passed twice.\nFix: build ids, mask and labels in one tokenizer call and pass them once: model(**tokenizer(texts, padding=True, return_tensors='pt'), labels=labels)"),
    'label_alignment': (
        'File "/x/transformers/models/bert/modeling_bert.py", line 1500, in forward\n    loss = loss_fct(logits.view(-1, self.num_labels), labels.view(-1))\n  in BertForTokenClassification\nValueError: Expected input batch_size (64) to match target batch_size (23).',
        'Token labels not aligned with the word pieces [label_alignment, confidence 69%]\nCause: Token-classification labels have one entry per word (23) but the model predicts one per word piece (64); they must be aligned and padded with -100.\nFix: align with encoding.word_ids(): the first piece of each word gets its label, the rest and special tokens -100; seqfit.Collator(tokenizer) does this when features carry word_ids\nEvidence: length=64, other=23\nOther candidates: shape_mismatch (17%)'),
    'generation_length': (
        'ValueError: Input length of input_ids is 30, but `max_length` is set to 20. This can lead to unexpected behavior. You should consider increasing `max_length` or, better yet, setting `max_new_tokens`.',
        "Generation length at odds with the input or the model [generation_length, confidence 100%]\nCause: generate() was asked for a total length (20) that the prompt (30 tokens) already fills, or that runs past the model's position table.\nFix: generate(**inputs, max_new_tokens=N) with N + prompt length <= the model's limit (seqfit inspect MODEL), instead of max_length\nEvidence: length=30, limit=20\nRelease: this message is from transformers >= 4.38 (not in 4.37.2 and older)"),
    'padding_side': (
        "A decoder-only architecture is being used, but right-padding was detected! For correct generation results, please set `padding_side='left'` when initializing the tokenizer.",
        "Padding on the wrong side for this model [padding_side, confidence 99%]\nCause: A decoder-only model was padded on the right for generation (or Flash Attention was given right padding): new tokens follow the padding, and outputs go wrong.\nFix: tokenizer.padding_side = 'left' before tokenizing prompts for generate(); pass the attention_mask\nRelease: this message is from transformers >= 4.26 (not in 4.21.3 and older)"),
    'pair_truncation': (
        "ERROR: We need to remove 120 to truncate the input but the second sequence has a length 40. Please select another truncation strategy than TruncationStrategy.ONLY_SECOND, for instance 'longest_first' or 'only_first'.",
        "Pair truncation cannot cut enough from the chosen text [pair_truncation, confidence 100%]\nCause: truncation='only_second' (or 'only_first') must remove 120 tokens from one text, but that text has only 40 tokens: the other text alone is too long.\nFix: truncation='longest_first', or shorten the question, or raise max_length; seqfit.fit(questions, text_pairs=contexts, strategy='window') slides over the context\nEvidence: remove=120, length=40\nRelease: this message is from transformers < 5.0 (found in 4.12.5, 4.18.0, 4.21.3, 4.26.1, 4.28.1, 4.30.2, 4.34.1, 4.36.2, 4.37.2, 4.38.2, 4.40.2, 4.43.4, 4.44.2, 4.46.3, 4.48.3, 4.51.3, 4.55.4, 4.57.6)"),
    'stride_overflow': (
        "thread '<unnamed>' panicked at 'assertion failed: stride < max_len', tokenizers-lib/src/utils/truncation.rs:200:9",
        "stride too large for max_length [stride_overflow, confidence 86%]\nCause: return_overflowing_tokens with a stride that leaves no room: the stride (tokens shared between windows) must be smaller than max_length minus the special tokens and the first text.\nFix: stride=max_length // 4, or seqfit.fit(..., strategy='window', overlap=N): overlap is the shared count, checked against the room"),
    'model_max_length_sentinel': (
        'File "/x/transformers/tokenization_utils_base.py", line 3120, in pad\n    encoded_inputs = self._pad(\nOverflowError: Python int too large to convert to C long',
        "tokenizer.model_max_length is the 1e30 'unknown' sentinel [model_max_length_sentinel, confidence 83%]\nCause: This tokenizer has no known limit, so model_max_length is int(1e30) (1000000000000000019884624838656); code that pads or allocates to it overflows.\nFix: pass max_length explicitly: tokenizer(..., padding='max_length', truncation=True, max_length=N); seqfit inspect MODEL shows the real limit\nEvidence: model_max_length=1000000000000000019884624838656"),
    'export_fixed_length': (
        'onnxruntime.capi.onnxruntime_pybind11_state.InvalidArgument: [ONNXRuntimeError] : 2 : INVALID_ARGUMENT : Got invalid dimensions for input: input_ids for the following indices\n index: 1 Got: 600 Expected: 512\n Please fix either the inputs/outputs or the model.',
        "Exported model with a fixed sequence length [export_fixed_length, confidence 98%]\nCause: The model was exported (ONNX, TorchScript trace, TensorRT) with a fixed sequence length (512); an input of 600 tokens does not match it.\nFix: pad every input to the exported length: tokenizer(..., padding='max_length', truncation=True, max_length=512), or export with a dynamic sequence axis\nEvidence: length=600, limit=512"),
    'length_multiple_constraint': (
        'ValueError: If training, sequence length 100 has to be equal to config.max_position_embeddings 4096 for the axial position encodings.',
        "Length not allowed by this architecture [length_multiple_constraint, confidence 98%]\nCause: This architecture constrains the length itself (Reformer's axial positions in training, Longformer/LED attention windows, Funnel's pooling, CANINE's downsampling): 100 tokens is not a length it accepts.\nFix: pad to an accepted length: tokenizer(..., padding='max_length', max_length=N) with N from seqfit inspect MODEL (length multiple, min tokens)\nEvidence: length=100, limit=4096"),
    'map_column_length_mismatch': (
        'pyarrow.lib.ArrowInvalid: Column 1 named input_ids expected length 1000 but got length 1373',
        'datasets.map returned more rows than it was given [map_column_length_mismatch, confidence 92%]\nCause: A batched map with return_overflowing_tokens=True turned 1000 rows into 1373 windows, but the old columns still have one value per input row (column input_ids).\nFix: dataset.map(fn, batched=True, remove_columns=dataset.column_names), and carry per-window fields with overflow_to_sample_mapping\nEvidence: column=input_ids, other=1000, length=1373'),
    'cuda_device_side_assert': (
        '../aten/src/ATen/native/cuda/Indexing.cu:1141: indexSelectLargeIndex: block: [200,0,0], thread: [0,0,0] Assertion `srcIndex < srcSelectDimSize` failed.\nRuntimeError: CUDA error: device-side assert triggered\nCUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.\nFor debugging consider passing CUDA_LAUNCH_BLOCKING=1',
        "CUDA device-side assert (an index out of range on the GPU) [cuda_device_side_assert, confidence 86%]\nCause: A GPU kernel indexed past a table: on CUDA, 'index out of range' shows up as a device-side assert. Almost always a position beyond max_position_embeddings or a token id beyond the vocabulary.\nFix: run seqfit.check(batch, model=model) before the forward pass (or the same batch on CPU) to get the exact cause; restart the process: the CUDA context is unusable after the assert"),
    'under_min_length': (
        "seqfit.errors.TooShortError: input_ids has 3 tokens per row but funnel needs at least 5. Fix: tokenizer(..., padding='max_length', max_length=5)",
        "Input shorter than the architecture needs [under_min_length, confidence 95%]\nCause: An input is shorter than this architecture accepts: CANINE downsamples characters and Funnel pools the sequence, and speech encoders (wav2vec2, HuBERT, Whisper-style time reduction) shrink audio by convolutions, so too few positions are left for their later layers.\nFix: pad short inputs up to the minimum: tokenizer(..., padding='max_length', max_length=N) with N from seqfit inspect MODEL (min tokens); seqfit.batches pads to it by itself; for audio, drop or pad clips shorter than the encoder's receptive field (feature_extractor(audio, padding='max_length', max_length=N))"),
    'bad_attention_mask': (
        '[transformers] We strongly recommend passing in an `attention_mask` since your input_ids may be padded. See https://huggingface.co/docs/transformers/troubleshooting#incorrect-output-when-padding-tokens-arent-masked.',
        "Attention mask missing, not 0/1, or attending padding [bad_attention_mask, confidence 86%]\nCause: The batch is padded but the attention mask is missing, holds values other than 0 and 1, or marks padding as real tokens: the model attends to the padding and its outputs change silently.\nFix: pass the tokenizer's own mask: model(**tokenizer(texts, padding=True, return_tensors='pt')), or attention_mask = (input_ids != pad_token_id).long()"),
    'bad_batch': (
        'seqfit.errors.BatchError: the batch cannot be used.',
        'A batch that would fail or give wrong outputs [bad_batch, confidence 95%]\nCause: seqfit.check found a batch the model cannot take as it is.\nFix: follow the fix in the message; seqfit.check(batch, model=model) names the key, row and position'),
    'bad_data': (
        "seqfit.errors.DataError: 'train.jsonl' does not exist. Fix: check the path",
        'A data source that cannot be read [bad_data, confidence 95%]\nCause: The file or folder is missing, empty, corrupt, or lacks the column asked for.\nFix: check the path, the format (--input-format) and the column (--column)'),
    'bad_input': (
        'seqfit.errors.InputError: row 3: text is None, not a string.',
        "An input row seqfit cannot work on [bad_input, confidence 95%]\nCause: A row is not text (None, a number, a list) or the inputs do not line up.\nFix: clean the rows, or pass on_bad='skip' to list them instead of failing"),
    'bad_option': (
        'seqfit.errors.OptionError: overlap=600 but each window holds 510 tokens of text (max_length 512 - 2 special tokens); the overlap must be 0..509. Fix: overlap=127',
        'An option with a value seqfit cannot use [bad_option, confidence 95%]\nCause: An option is out of range or not one of its valid values.\nFix: use one of the valid values the message lists'),
    'missing_dependency': (
        "seqfit.errors.MissingDependencyError: seqfit profile --report needs matplotlib, which is not installed. Fix: pip install 'seqfit[plot]'",
        'An optional dependency is not installed [missing_dependency, confidence 95%]\nCause: This feature needs a package that is not installed.\nFix: install the package the message names, or the seqfit extra that brings it (the torch, plot or parquet extra)'),
    'model_load': (
        "seqfit.errors.ModelLoadError: './my-model' looks like a local path, but nothing is there. Fix: check the path, or give a hub name such as bert-base-uncased",
        "The model or its tokenizer could not be loaded [model_load, confidence 95%]\nCause: seqfit could not read the model's config or tokenizer: a wrong name or path, no network, a gated repository, or code in the repository that was not allowed to run.\nFix: check the name or folder (it must hold config.json), log in for gated models (hf auth login), or pass --trust-remote-code after reading the repository's code"),
    'seqfit_error': (
        'seqfit.errors.SeqfitError: could not read where MyTokenizer puts its special tokens.',
        'seqfit refused the input [seqfit_error, confidence 95%]\nCause: seqfit stopped before any work because the input cannot give a correct result.\nFix: follow the fix in the message'),
    'label_out_of_range': (
        'IndexError: Target 7 is out of bounds.',
        "A class label outside the model's classes [label_out_of_range, confidence 86%]\nCause: A label (7) is not one of the model's classes: the classification head has one output per class, and the loss cannot score a class it does not have.\nFix: load the model with the number of classes in the data: AutoModelForSequenceClassification.from_pretrained(name, num_labels=N) (or token classification), labels 0..N-1; use -100 for tokens without a label\nEvidence: index=7"),
    'truncation_padding_options': (
        'ValueError: Truncation and padding are both activated but truncation length (10) is not a multiple of pad_to_multiple_of (8).',
        "Truncation or padding options that conflict or do nothing [truncation_padding_options, confidence 92%]\nCause: The tokenizer was given padding or truncation options it cannot honour together (a max_length without truncation=True, padding='max_length' without a max_length, a length that is not a multiple of pad_to_multiple_of, or a value that is not valid), so it ignored or refused them.\nFix: tokenizer(texts, padding='max_length', truncation=True, max_length=N) with N from seqfit inspect MODEL, or padding=True for the longest row of each batch\nEvidence: limit=10, multiple=8"),
    'unknown': (
        'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.11 GiB of which 1.2 GiB is free.',
        'Not a length, padding or vocabulary error seqfit recognises [unknown, confidence 100%]\nCause: Nothing in this text matches the length, padding, mask or vocabulary errors seqfit knows.\nFix: read the last line of the traceback; if the model is involved, seqfit.check(batch, model=model) validates the batch'),
}


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_reads_as_a_whole_human_text(code: str) -> None:
    text, expected = HUMAN[code]
    explanation = seqfit.explain(text)
    assert explanation.best.code == code
    assert explanation.render() == expected


MORE = [
    ("RuntimeError: The expanded size of the tensor (1024) must match the existing size (512) at "
     "non-singleton dimension 1.  Target sizes: [1, 1024].  Tensor sizes: [1, 512]",
     "over_max_positions", {"length": 1024, "limit": 512}),
    ('  File "modeling_bert.py", line 900, in forward\n    batch_size, seq_length = input_shape\n'
     "ValueError: not enough values to unpack (expected 2, got 1)", "shape_mismatch", {}),
    ("ValueError: Sequence length must be less than max_position_embeddings (got `sequence "
     "length`: 600 and `max_position_embeddings`: 512", "over_max_positions",
     {"length": 600, "limit": 512}),
    ("openai.BadRequestError: This model's maximum context length is 4097 tokens. However, your "
     "messages resulted in 5034 tokens.", "over_max_positions", {"length": 5034, "limit": 4097}),
    ("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB", "unknown", {}),
    # a hosted API's error envelope: its keys ('param', 'code', 'type') say nothing of the cause
    ("openai.BadRequestError: Error code: 400 - {'error': {'message': 'max_tokens is too large: "
     "10000. This model supports at most 4096 completion tokens, whereas you provided 10000.', "
     "'type': 'invalid_request_error', 'param': 'max_tokens', 'code': None}}",
     "generation_length", {}),
    ("cohere.error.CohereAPIError: too many tokens: total number of tokens in the prompt cannot "
     "exceed 4081 - received 5123. Try using a shorter prompt, or enabling prompt truncating.",
     "over_max_positions", {}),
    ('time=2024-05-01T10:00:00.000Z level=WARN source=runner.go:127 msg="truncating input prompt" '
     "limit=2048 prompt=5012 keep=4 new=2048", "over_max_positions", {}),
    # the tokenizer's pad names the feature it could not make a tensor of: unpadded labels
    ("ValueError: Unable to create tensor, you should probably activate truncation and/or "
     "padding with 'padding=True' 'truncation=True' to have batched tensors with the same "
     "length. Perhaps your features (`labels` in this case) have excessive nesting (inputs type "
     "`list` where type `int` is expected).", "label_alignment", {}),
    # a TensorRT engine's optimisation profile
    ("[TensorRT] ERROR: 3: [executionContext.cpp::setBindingDimensions::945] Error Code 3: API "
     "Usage Error (Parameter check failed at: runtime/api/executionContext.cpp::setBindingDimens"
     "ions::945, condition: profileMaxDims.d[i] >= dimensions.d[i]. Supplied binding dimension "
     "[1,600] for bindings[0] exceed min ~ max range at index 1, maximum dimension in profile is"
     " 512, minimum dimension in profile is 1, but supplied dimension is 600.)",
     "export_fixed_length", {}),
    # the token-classification recipe reading a word's label past the end of its list
    ("Traceback (most recent call last):\n  File \"train_ner.py\", line 41, in align\n"
     "    label_ids.append(labels[word_idx])\nIndexError: list index out of range",
     "label_alignment", {}),
    ("IndexError: list index out of range", "unknown", {}),
    # a loss whose batch sizes disagree: rows of a batch (labels built for another batch), or
    # the flattened tokens of a causal LM whose labels are longer than the ids
    ('  File "/env/site-packages/transformers/models/bert/modeling_bert.py", line 1599, in '
     "forward\n    loss = loss_fct(logits.view(-1, self.num_labels), labels.view(-1))\n"
     "ValueError: Expected input batch_size (16) to match target batch_size (32).",
     "shape_mismatch", {"length": 16, "other": 32}),
    ('  File "/env/site-packages/transformers/models/gpt2/modeling_gpt2.py", line 1100, in '
     "forward\n    shift_labels = labels[..., 1:].contiguous()\n"
     "ValueError: Expected input batch_size (4088) to match target batch_size (4096).",
     "shape_mismatch", {"length": 4088, "other": 4096}),
    ('mistralai.models.sdkerror.SDKError: API error occurred: Status 400\n{"object":"error",'
     '"message":"Prompt contains 41236 tokens, too large for model with 32768 maximum context '
     'length","type":"invalid_request_error","param":null,"code":null}', "over_max_positions",
     {}),
    # no room left for the output
    ("ValueError: Calculated available context size -214 was not non-negative.",
     "generation_length", {}),
    # an assert without a message: its condition, on the code line, is what failed
    ('Traceback (most recent call last):\n  File "/m/modeling_custom.py", line 88, in forward\n'
     "    assert seq_len <= self.config.max_position_embeddings, 'sequence too long'\n"
     "AssertionError", "over_max_positions", {}),
    ('Traceback (most recent call last):\n  File "/m/modeling_custom.py", line 88, in forward\n'
     "    assert x.dtype == torch.float16\nAssertionError", "unknown", {}),
    # exports that fixed or need a sequence length
    ("RuntimeError: Input arg12_1.shape[1] is specialized at 128", "export_fixed_length", {}),
    # labels against the logits a loss compares them with
    ("ValueError: `logits` and `labels` must have the same shape, received ((None, 12) vs "
     "(None, 1)).", "shape_mismatch", {}),
    # the tokens to generate named as an output length
    ("AssertionError: Please ensure that max_model_len is greater than the sum of input_len and "
     "output_len.", "generation_length", {}),
    # a log holds several messages: an off-topic line (vLLM's throughput metrics) does not
    # silence the on-topic message of another line
    ("INFO 01-11 09:14:07 metrics.py:334] Avg prompt throughput: 1240.3 tokens/s, Avg generation"
     " throughput: 88.1 tokens/s, Running: 2 reqs, Swapped: 0 reqs, Pending: 0 reqs, GPU KV cache"
     " usage: 4.1%, CPU KV cache usage: 0.0%\nWARNING 01-11 09:14:09 scheduler.py:149] Input "
     "prompt (4410 tokens) is too long and exceeds limit of 4096\n", "over_max_positions",
     {"length": 4410, "limit": 4096}),
    # the Trainer given no labels: a batch's keys, not the shape of its inputs
    ("ValueError: The model did not return a loss from the inputs, only the following keys: "
     "logits. For reference, the inputs it received are input_ids,attention_mask.", "unknown",
     {}),
    # a device-side assert whose traceback shows the table the kernel indexed (the kernel's
    # assertion lines, printed before the traceback, belong to it)
    ("/pytorch/aten/src/ATen/native/cuda/Indexing.cu:1422: indexSelectLargeIndex: block: [40,0,0],"
     " thread: [64,0,0] Assertion `srcIndex < srcSelectDimSize` failed.\n"
     "Traceback (most recent call last):\n"
     '  File "/env/lib/python3.11/site-packages/transformers/models/bert/modeling_bert.py", line '
     "110, in forward\n    inputs_embeds = self.word_embeddings(input_ids)\n"
     '  File "/env/lib/python3.11/site-packages/torch/nn/modules/sparse.py", line 190, in forward'
     "\n    return F.embedding(\nRuntimeError: CUDA error: device-side assert triggered",
     "token_id_out_of_vocab", {}),
    # a progress bar between a kernel's assertion lines and their traceback does not part them:
    # the loss kernel's assertion names the classes
    ("/opt/conda/aten/src/ATen/native/cuda/Loss.cu:250: nll_loss_forward_reduce_cuda_kernel_2d: "
     "block: [0,0,0], thread: [3,0,0] Assertion `t >= 0 && t < n_classes` failed.\n"
     "  0%|          | 0/2810 [00:01<?, ?it/s]\nTraceback (most recent call last):\n"
     '  File "/opt/conda/lib/python3.10/site-packages/transformers/trainer.py", line 2289, in '
     "_inner_training_loop\n    and (torch.isnan(tr_loss_step) or torch.isinf(tr_loss_step))\n"
     "RuntimeError: CUDA error: device-side assert triggered", "label_out_of_range", {}),
    # a device-side assert whose frames name no table: the warning logged before it is its cause
    ("Token indices sequence length is longer than the specified maximum sequence length for "
     "this model (1893 > 1024). Running this sequence through the model will result in "
     "indexing errors\nTraceback (most recent call last):\n"
     '  File "/env/lib/python3.10/site-packages/torch/nn/functional.py", line 2543, in '
     "layer_norm\n    return torch.layer_norm(input, normalized_shape, weight, bias, eps)\n"
     "RuntimeError: CUDA error: device-side assert triggered", "over_max_positions",
     {"length": 1893, "limit": 1024}),
    # wordings of unseen libraries (blind set 8's dev half): padding named by its side, a
    # tokenizer without a known limit, an output length left below zero, a mask against the
    # length of a KV cache
    ("AssertionError: Pooling modes are implemented for padding from left.", "padding_side", {}),
    ("ValueError: Could not infer the model_max_length of Hugging Face model "
     "EleutherAI/pythia-160m, so --enable-huggingface-models cannot be used for this model.",
     "model_max_length_sentinel", {}),
    ("WARNING: Hugging Face model my-org/tiny-llama does not have a configured model_max_length;"
     " input truncation may not work correctly", "model_max_length_sentinel", {}),
    ("ValueError: max_out_len (-112) is less than or equal to 0. This may be due to input "
     "length (16012) being too close to max_seq_len (16384).", "generation_length", {}),
    ("[CRITICAL]: context_size=-256 is less than 0, either reduce the max_new_tokens or "
     "increase model max length.\nValueError: Context size is less than 0.",
     "generation_length", {}),
    ("ValueError: Attention mask does not match expected KV cache mask dimensions. Received: "
     "torch.Size([1, 1, 1, 64]), expected torch.Size([1, 1, 1, 448]).", "shape_mismatch", {}),
    # blind set 9's dev half: an input cut with both lengths, lengths a model was compiled for,
    # a token at or past the vocabulary, an export that accepts one shape, a table that is an
    # embedding's, a mask named by its role
    ("2025-05-02 14:03:11.482 | WARNING  | kokoro.pipeline:__call__:428 - Truncating len(ps) == "
     "603 > 510", "over_max_positions", {"length": 603}),
    ("ValueError: Input's length(5120) exceeds compiled max_seq_len(4096).",
     "export_fixed_length", {"limit": 4096}),
    ("ValueError: Encoder input length (688) exceeds the compiled `enc_max_seq_len` (512); the "
     "input would be silently truncated. Recompile the model with a larger "
     "`rbln_enc_max_seq_len`.", "export_fixed_length", {"limit": 512}),
    ("WARNING:mergekit.tokenizer.build:Token '<|im_start|>' present in Qwen-ft-chatml tokenizer "
     "but >= vocab_size", "token_id_out_of_vocab", {}),
    ('  File "/env/lib/python3.11/site-packages/optimum/exporters/executorch/integrations.py", '
     "line 810, in _export_encoder\n    assert (\nAssertionError: This version of Whisper only "
     "accepts encoder input of shape torch.Size([1, 80, 3000]), passed shape: "
     "torch.Size([1, 80, 1500]).", "export_fixed_length", {}),
    ("ValueError: Length dimension exceeds size of positional embedding table. length_dim.size > "
     "max_length_dim.size", "over_max_positions", {}),
    ("ValueError: Shape of encoder mask, (16, 256), does not equal (16, 512).", "shape_mismatch",
     {"shape": [16, 256]}),
    # the OpenAI API's total: the messages alone past the limit are the prompt's length; the
    # completion's share past it is the generation budget's
    ("openai.BadRequestError: Error code: 400 - {'error': {'message': \"This model's maximum "
     "context length is 4097 tokens. However, you requested 4112 tokens (4111 in the messages, 1 "
     "in the completion). Please reduce the length of the messages or completion.\"}}",
     "over_max_positions", {"length": 4111, "limit": 4097}),
    ("openai.BadRequestError: Error code: 400 - {'error': {'message': \"This model's maximum "
     "context length is 4097 tokens. However, you requested 4600 tokens (3600 in the messages, "
     "1000 in the completion). Please reduce the length of the messages or completion.\"}}",
     "generation_length", {"limit": 4097, "length": 4600}),
    # a traceback a logger wrote line by line (TorchServe's MODEL_LOG), from a traced graph
    # whose positions keep the example's length (128): more tokens than the trace had
    ("\n".join("2024-07-18T09:14:52,120 [INFO ] W-9000-classifier_1.0-stdout MODEL_LOG - " + line
               for line in [
        "Traceback (most recent call last):",
        '  File "/home/model-server/handler.py", line 61, in inference',
        "    logits = self.model(input_ids, attention_mask)[0]",
        "RuntimeError: The following operation failed in the TorchScript interpreter.",
        "Traceback of TorchScript, serialized code (most recent call last):",
        '  File "code/__torch__/transformers/models/bert/modeling_bert.py", line 38, in forward',
        "    _3 = (position_embeddings).forward(_2, )",
        "    input0 = torch.add(embeddings, _3)",
        "RuntimeError: The size of tensor a (173) must match the size of tensor b (128) at "
        "non-singleton dimension 1"]), "export_fixed_length", {"length": 173, "limit": 128}),
    # a speech input's length, in samples, against the frame size it must be a multiple of
    ("RuntimeError: Invalid input x of length 1024. The length must be a positive multiple of "
     "the frame size 1920. You are responsible for buffering accordingly before feeding audio "
     "to Mimi.", "length_multiple_constraint", {"shape": [1024]}),
    # a video's frames are not a text input's length
    ("ValueError: `num_frames - 1` has to be divisible by 4, but got 30 video frames.",
     "unknown", {}),
    # an exception raised with no message: the warning logged before it says what it is
    ("WARNING] utils.check_config_conflicts In generation, your config.generation.max_length is "
     "shorter than config.max_seq_length. You should consider increasing "
     "config.generation.max_length.\nTraceback (most recent call last):\n"
     '  File "/x/openprompt/utils/utils.py", line 79, in check_config_conflicts\n'
     "    raise RuntimeError\nRuntimeError", "generation_length", {}),
    # a device-side assert after a log record (continued on an indented line) that names the ids
    ("ERROR:chatterbox.models.s3gen.flow:tensor(6563, device='cuda:0')>6561\n out-of-range "
     "special tokens found in flow, fix inputs!\n../aten/src/ATen/native/cuda/Indexing.cu:1369: "
     "indexSelectLargeIndex: block: [115,0,0], thread: [64,0,0] Assertion `srcIndex < "
     "srcSelectDimSize` failed.\nTraceback (most recent call last):\n"
     '  File "/home/eli/voice/clone.py", line 19, in <module>\n'
     '    wav = model.generate(text, audio_prompt_path="ref.wav")\n'
     "RuntimeError: CUDA error: device-side assert triggered", "token_id_out_of_vocab",
     {"vocab_rows": 6561}),
    ('  File "/env/lib/python3.11/site-packages/transformers/models/roberta/modeling_roberta.py", '
     "line 121, in forward\n    token_type_embeddings = self.token_type_embeddings(token_type_ids)"
     "\nRuntimeError: CUDA error: device-side assert triggered", "token_type_out_of_range", {}),
    # an off-topic template of a few fixed words ("{name} must have shape {shape}") whose fields
    # hold the whole message does not say what the message is about
    ("ValueError: position_ids must have shape (batch_size, sequence_length)", "shape_mismatch",
     {}),
    ("ValueError: attention_mask must have shape [batch_size, seq_len]", "shape_mismatch", {}),
    # an option an API stopped taking is a release mismatch; a model input is about the batch
    ("TypeError: Seq2SeqTrainer.__init__() got an unexpected keyword argument "
     "'max_target_length'", "unknown", {}),
    ("TypeError: GPTNeoForCausalLM.forward() got an unexpected keyword argument "
     "'token_type_ids'", "unexpected_token_type_ids", {}),
    # the same torch message: an image's channels, or a speech encoder's too-short clip
    ('  File "/env/lib/python3.11/site-packages/torchvision/transforms/v2/functional/_misc.py",'
     ' line 88, in normalize_image\n    return image.sub_(mean).div_(std)\nRuntimeError: The '
     "size of tensor a (4) must match the size of tensor b (3) at non-singleton dimension 0",
     "unknown", {}),
    ('  File "/env/lib/python3.11/site-packages/transformers/models/wav2vec2/modeling_wav2vec2.py'
     '", line 361, in forward\n    hidden_states = conv_layer(hidden_states)\n  File "/env/lib/'
     'python3.11/site-packages/torch/nn/modules/conv.py", line 370, in _conv_forward\n    '
     "return F.conv1d(input, weight, bias, self.stride,\nRuntimeError: Calculated padded input "
     "size per channel: (2). Kernel size: (3). Kernel size can't be greater than actual input "
     "size", "under_min_length", {"model_type": "wav2vec2"}),
    ("RuntimeError: Calculated padded input size per channel: (2). Kernel size: (3). Kernel size "
     "can't be greater than actual input size", "unknown", {}),
    # generate() fails while the encoder reads the prompt: the input is too long, not the output
    ('  File "/env/lib/python3.10/site-packages/transformers/generation/utils.py", line 2210, in '
     'generate\n    model_kwargs = self._prepare_encoder_decoder_kwargs_for_generation(\n  File '
     '"/env/lib/python3.10/site-packages/transformers/models/pegasus/modeling_pegasus.py", line '
     "690, in forward\n    embed_pos = self.embed_positions(input_shape)\n  File \"/env/lib/"
     'python3.10/site-packages/torch/nn/functional.py", line 2264, in embedding\n    return '
     "torch.embedding(weight, input, padding_idx, scale_grad_by_freq, sparse)\nIndexError: index "
     "out of range in self", "over_max_positions", {}),
    # fewer tokens than the positions added to them: a graph traced at a fixed length
    ("Traceback of TorchScript, original code (most recent call last):\n  File \"/env/lib/"
     'python3.9/site-packages/transformers/models/roberta/modeling_roberta.py", line 131, in '
     "forward\n            position_embeddings = self.position_embeddings(position_ids)\n"
     "            embeddings += position_embeddings\nRuntimeError: The size of tensor a (40) "
     "must match the size of tensor b (256) at non-singleton dimension 1", "export_fixed_length",
     {"length": 40, "limit": 256}),
    # any size met in a TorchScript graph: a traced model keeps its example's length throughout
    ("RuntimeError: The following operation failed in the TorchScript interpreter.\n"
     "Traceback of TorchScript, serialized code (most recent call last):\n  File "
     '"code/__torch__/transformers/models/bert/modeling_bert.py", line 20, in forward\n'
     "RuntimeError: The size of tensor a (40) must match the size of tensor b (64) at "
     "non-singleton dimension 1", "export_fixed_length", {"length": 40, "limit": 64}),
    # "the stack trace" is no traced graph
    ("Here is the stack trace I get:\nRuntimeError: The size of tensor a (40) must match the "
     "size of tensor b (64) at non-singleton dimension 1", "shape_mismatch",
     {"length": 40, "other": 64}),
    # TensorFlow's graph error: the message is the line before the failing node's
    ("InvalidArgumentError: Graph execution error:\n\nDetected at node 'loss/Sparse' defined at"
     " (most recent call last):\n    File \"train.py\", line 9, in <module>\n      model.fit(x, "
     "y)\nNode: 'loss/Sparse'\nlogits and labels must have the same first dimension, got logits "
     "shape [2048,9] and labels shape [736]\n\t [[{{node loss/Sparse}}]] [Op:__inference_train"
     "_function_60117]", "shape_mismatch", {}),
    # ... and where the user says the labels are one per word, their alignment with the pieces
    ("ValueError: Found input variables with inconsistent numbers of samples: [46435, 61228]\n\n"
     "46435 is the number of words in the eval set, 61228 the number of subword tokens.",
     "label_alignment", {}),
    ("ValueError: Found input variables with inconsistent numbers of samples: [14, 9] [23, 11]\n"
     "My gold tags are one per word, but the tokenizer splits 'Schwarzenegger' into 5 pieces.",
     "label_alignment", {}),
    # ... nor in front of a position table: more tokens than its rows is the model's limit
    ("Here is the stack trace:\n  File \"/env/lib/python3.10/site-packages/transformers/"
     'models/roberta/modeling_roberta.py", line 131, in forward\n    embeddings += '
     "position_embeddings\nRuntimeError: The size of tensor a (300) must match the size of "
     "tensor b (200) at non-singleton dimension 1", "over_max_positions",
     {"length": 300, "limit": 200}),
    # OPT's learned positions ("positions + self.offset") overflow while generating
    ('  File "bot.py", line 12, in reply\n    out = model.generate(**batch, max_new_tokens=900)\n'
     '  File "/env/lib/python3.10/site-packages/transformers/models/opt/modeling_opt.py", line 98,'
     ' in forward\n    return super().forward(positions + self.offset)\n  File "/env/lib/'
     'python3.10/site-packages/torch/nn/functional.py", line 2264, in embedding\n    return '
     "torch.embedding(weight, input, padding_idx, scale_grad_by_freq, sparse)\nIndexError: index "
     "out of range in self", "generation_length", {}),
    # Keras' sparse cross-entropy on a label the head has no output for
    ("tensorflow.python.framework.errors_impl.InvalidArgumentError: Received a label value of 5 "
     "which is outside the valid range of [0, 3).  Label values: 1 5 0", "label_out_of_range",
     {"index": 5, "limit": 3}),
    # the prompt and the room kept for the reply, against the context: generation's length
    ("ValueError: The prompt is too long (3900 tokens). The prompt and the completion (300 "
     "tokens) must fit in the model context of 4096 tokens.", "generation_length",
     {"length": 3900, "limit": 4096}),
    # a text splitter's chunk overlap is a stride
    ("ValueError: chunk_overlap (300) must be smaller than chunk_size (200)", "stride_overflow",
     {}),
    ("ValueError: len(input_ids)=128 is different from len(attention_mask)=120",
     "shape_mismatch", {}),
    # the largest id printed beside a lookup that names no table: beyond any position table
    (">>> enc['input_ids'].max()\ntensor(64001)\n>>> out = model(**enc)\n  File \"/env/lib/"
     'python3.12/site-packages/torch/nn/functional.py", line 2551, in embedding\n    return '
     "torch.embedding(weight, input, padding_idx, scale_grad_by_freq, sparse)\nIndexError: index "
     "out of range in self", "token_id_out_of_vocab", {"index": 64001}),
    # a dataset named in passing is not a table's columns
    ("ValueError: Training example is too long (3100 > 2048); drop it from the dataset or raise "
     "max_seq_len", "over_max_positions", {"length": 3100, "limit": 2048}),
    # a limit, then what was asked for; "seq len" in words
    ("AssertionError: Engine built with max seq len 4096, requested seq len is 6000",
     "over_max_positions", {}),
    ("RuntimeError: The document could not fit in the model's context window.",
     "over_max_positions", {}),
    # token ids out of range name no vocabulary, and may be hyphenated
    ("WARNING  replaced 2 out-of-range token ids with the unk id (valid range: [0, 50257))",
     "token_id_out_of_vocab", {}),
    # a bare assert that keeps ids below the vocabulary
    ('  File "/srv/app/model.py", line 41, in forward\n    assert (ids < self.vocab_size).all()\n'
     "AssertionError", "token_id_out_of_vocab", {}),
    ("ValueError: mask last dim 300 must equal sequence length 256", "shape_mismatch", {}),
    # a whole table of positions added to the input (speech and seq2seq toolkits)
    ('  File "/srv/asr/model.py", line 88, in encode\n    x = x + self.positional_encoding(x)\n'
     "RuntimeError: The size of tensor a (3100) must match the size of tensor b (2500) at "
     "non-singleton dimension 1", "over_max_positions", {"length": 3100, "limit": 2500}),
    # CLIP's token table
    ('  File "/srv/clip/model.py", line 333, in encode_text\n    x = self.token_embedding(text)\n'
     '  File "/env/lib/python3.11/site-packages/torch/nn/functional.py", line 2551, in embedding\n'
     "    return torch.embedding(weight, input, padding_idx, scale_grad_by_freq, sparse)\n"
     "IndexError: index out of range in self", "token_id_out_of_vocab", {}),
    # a reply cut by its token budget; the usage's audio_tokens count is no audio
    ("openai.LengthFinishReasonError: Could not parse response content as the length limit was "
     "reached - CompletionUsage(completion_tokens=1024, prompt_tokens=900, total_tokens=1924, "
     "prompt_tokens_details=PromptTokensDetails(audio_tokens=0, cached_tokens=0))",
     "generation_length", {}),
    # an error quoted in a paragraph is read without the paragraph's other topics
    ("I spent the whole day on this and checked that there are no NaN values and that the GPU has "
     "memory to spare, yet building the dataset with from_tensor_slices fails with ValueError: "
     "Can't convert non-rectangular Python sequence to Tensor. and nothing more useful in the "
     "output, so any idea what I am missing here would help, thanks a lot in advance to everyone",
     "ragged_batch_no_padding", {}),
    # an argument list in the traceback ("max_length, stride, ...") is no stride comparison
    ('  File "/env/lib/python3.10/site-packages/transformers/tokenization_utils_fast.py", line '
     "504, in _batch_encode_plus\n    encodings = self._tokenizer.encode_batch(batch, "
     "truncation_strategy, max_length, stride, is_split_into_words)\nException: Truncation "
     "error: Sequence to truncate too short to respect the provided max_length",
     "pair_truncation", {}),
    # a count of tokens an input went past is a limit
    ("ValueError: The prompt has more than 2048 tokens; shorten it.", "over_max_positions", {}),
    # a rate limit counts tokens per minute, not an input's length
    ("openai.RateLimitError: Rate limit reached for gpt-4o on tokens per min (TPM): Limit 30000, "
     "Used 29000, Requested 2500.", "unknown", {}),
    # two sequence lengths that disagree, in words no template has
    ("ValueError: Sequence length mismatch between the two inputs: 512 vs 384", "shape_mismatch",
     {}),
    ("AssertionError: seq_len mismatch between q (2048) and k (1024)", "shape_mismatch", {}),
    # an option the tokenizer drops (codes.py names "padding='max_length' without a max_length"
    # under truncation_padding_options) ...
    ("Asking to pad to max_length but no maximum length is provided and the model has no "
     "predefined maximum length. Default to no padding.", "truncation_padding_options", {}),
    # ... unless the 1e30 sentinel behind it is shown
    ("Asking to truncate to max_length but no maximum length is provided and the model has no "
     "predefined maximum length. Default to no truncation.\n>>> tokenizer.model_max_length\n"
     "1000000000000000019884624838656", "model_max_length_sentinel",
     {"model_max_length": int(1e30)}),
    # a value printed over two lines (a tensor's repr) inside the error line
    ("ValueError: Tensor label has value Tensor(shape=[], dtype=int64, place=Place(gpu:0), "
     "stop_gradient=True,\n       14), which is no less than num_labels", "label_out_of_range",
     {}),
    # padded ids given to the model without their mask, in a question with code and no error
    ("Embeddings differ when a sentence is encoded alone or in a batch:\n"
     "    enc = tok(batch, padding=True, return_tensors='pt')\n"
     "    out = model(input_ids=enc['input_ids'])\n", "bad_attention_mask", {}),
    ("Embeddings differ when a sentence is encoded alone or in a batch:\n"
     "    enc = tok(batch, padding=True, return_tensors='pt')\n"
     "    out = model(**enc)\n", "unknown", {}),
    # ... or with a mask rebuilt as all ones, which attends every pad (its shape is right)
    ("I tokenize each batch with tokenizer(texts, padding=True, truncation=True, "
     "return_tensors='pt'), splice two ids into input_ids, and since the mask no longer had the "
     "right length I rebuild it as attention_mask = torch.ones_like(input_ids); the mask is the "
     "same shape as the ids. No errors, but short texts come back as near-duplicates of each "
     "other.", "bad_attention_mask", {}),
    # "dividable", as non-native English writes "divisible"
    ("ValueError: Sequence Length, 1000, needs to be dividable by Block size 16!",
     "length_multiple_constraint", {}),
    # the more specific template decides: "{value}length must be positive" (off-topic, from a
    # compiled library) also matches, with its field on "max_"
    ("ValueError: max_length must be positive", "truncation_padding_options", {}),
    # a template that opens with a field ("{count} labels found in ...") reads its number after
    # the exception's name, not the name itself
    ("ValueError: 613 punct labels found in labels.txt are not present in `punct_label_ids`. "
     "Examples of unexpected labels from labels.txt: ['X']", "label_out_of_range",
     {"length": 613}),
]


@pytest.mark.parametrize(("text", "code", "evidence"), MORE)
def test_messages_seen_in_user_reports(text: str, code: str, evidence: dict) -> None:
    best = seqfit.explain(text).best
    assert best.code == code
    assert best.evidence == evidence


def test_a_sentence_that_names_a_device_side_assert_is_not_the_error() -> None:
    """"dies with a device-side assert" in the user's words is prose, not CUDA's message: the
    traceback after it is the error to explain."""
    text = ("I added a [PAD] token to the tokenizer (len(tokenizer) is now 32001) and training "
            "dies at step 0 with a device-side assert; with CUDA_LAUNCH_BLOCKING=1:\n"
            "Traceback (most recent call last):\n"
            '  File "/env/lib/python3.10/site-packages/torch/nn/modules/sparse.py", line 162, in '
            "forward\n    return F.embedding(\n"
            '  File "/env/lib/python3.10/site-packages/torch/nn/functional.py", line 2233, in '
            "embedding\n    return torch.embedding(weight, input, padding_idx, "
            "scale_grad_by_freq, sparse)\n"
            "RuntimeError: CUDA error: device-side assert triggered")
    explanation = seqfit.explain(text)
    assert explanation.excerpt.startswith("Traceback")
    assert explanation.best.code == "cuda_device_side_assert"
