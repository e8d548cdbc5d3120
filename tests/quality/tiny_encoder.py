"""A tiny XLM-RoBERTa (2 layers, 32 wide, a word-level vocabulary of the given texts) with a random MLP
head, saved in the hub's layout: tokenizer.json, config.json, model.safetensors, onnx/model.onnx."""
from pathlib import Path

import numpy as np


def build(d: Path, corpus: list[str], max_positions: int = 80) -> Path:
    import torch
    import transformers
    from safetensors.numpy import save_file
    from tokenizers import Tokenizer, models, pre_tokenizers, processors, trainers

    from quality.export import export_onnx

    tok = Tokenizer(models.WordLevel(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.train_from_iterator(corpus, trainers.WordLevelTrainer(special_tokens=["<s>", "<pad>", "</s>", "<unk>"],
                                                              vocab_size=2000))
    tok.post_processor = processors.TemplateProcessing(single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    tok.save(str(d / "tokenizer.json"))
    cfg = transformers.XLMRobertaConfig(vocab_size=tok.get_vocab_size(), hidden_size=32, num_hidden_layers=2,
                                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=max_positions,
                                        pad_token_id=1, bos_token_id=0, eos_token_id=2)
    torch.manual_seed(0)
    transformers.XLMRobertaModel(cfg).eval().save_pretrained(str(d))
    export_onnx(str(d))
    rng = np.random.default_rng(0)
    save_file({"0.weight": rng.normal(size=(16, 32)).astype(np.float32), "0.bias": np.zeros(16, np.float32),
               "2.weight": rng.normal(size=(1, 16)).astype(np.float32), "2.bias": np.zeros(1, np.float32)},
              str(d / "head.safetensors"))
    return d
