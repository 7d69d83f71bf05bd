#!/usr/bin/env python3
"""Convert a Cosmos Reason checkpoint (Qwen2.5-VL-7B architecture) into the ONNX layout that
Cosmos Critic loads with onnxruntime-node.

    python tools/convert_cosmos_reason.py --model nvidia/Cosmos-Reason1-7B --out ~/models/cosmos-reason1-7b-onnx
    python tools/convert_cosmos_reason.py --model /path/to/checkpoint --out DIR --precision fp16,q4 --verify clip.mp4

Output (written into a temporary sibling folder, renamed into place when complete):

    DIR/config.json  generation_config.json  preprocessor_config.json  tokenizer.json  tokenizer_config.json
    DIR/onnx/vision_encoder{,_fp16,_q4}.onnx        (+ .onnx_data when a graph is over 2 GB)
    DIR/onnx/embed_tokens{,_fp16,_q4}.onnx
    DIR/onnx/decoder_model_merged{,_fp16,_q4}.onnx
    DIR/onnx/export_info.json                         (interfaces, versions, options)

Graph interfaces (identical in every precision; inputs and outputs are always float32 / int64):

    vision_encoder        pixel_values float32 [num_patches, 1176], grid_thw int64 [num_items, 3]
                          -> vision_features float32 [num_patches / 4, 3584]
    embed_tokens          input_ids int64 [batch, seq] -> inputs_embeds float32 [batch, seq, 3584]
    decoder_model_merged  inputs_embeds float32 [batch, seq, 3584], attention_mask int64 [batch, past + seq],
                          position_ids int64 [3, batch, seq] (M-RoPE planes t, h, w),
                          past_key_values.{i}.key / .value float32 [batch, 4, past, 128], i = 0..27 (past may be 0)
                          -> logits float32 [batch, seq, 152064], present.{i}.key / .value [batch, 4, past + seq, 128]

How each graph is exported
--------------------------
All three graphs are traced with the TorchScript-based ``torch.onnx.export`` (``dynamo=False``) from small
wrapper modules that reuse the checkpoint's own submodules (norms, linear layers, MLPs) but express
every piece of control logic in plain tensor operations, so the trace records it and the graph stays
valid for any input size. Before each export the wrapper is compared with the Hugging Face
implementation on inputs of several shapes, and the exported vision graph is run in onnxruntime on
grids it was not traced with; the conversion stops if any of these disagree.

* vision_encoder. Hugging Face's ``Qwen2_5_VisionTransformerPretrainedModel.forward`` derives the window
  permutation, ``cu_seqlens`` and the rotary table with Python loops over ``grid_thw.tolist()``, which a
  trace would freeze to the example grid, and ``torch.export`` can only express with unbacked symbolic
  sizes. The wrapper instead computes, for every patch row, its item, temporal group, merged token, row
  and column from ``grid_thw`` with cumsum / comparison / integer arithmetic. Window attention and full
  attention are then the same operation with different segment ids: window segments are
  (item, temporal group, window row, window column) for the 8x8-patch windows (112 px), full-attention
  segments are (item, temporal group), exactly the blocks that ``cu_window_seqlens`` / ``cu_seqlens``
  describe. Tokens are scattered into a padded [segments, segment_length] layout, attended with a
  key-padding mask and gathered back. Attention is permutation-equivariant and everything else is
  per token, so Hugging Face's reordering of tokens into window order (and back) is unnecessary and
  the output rows come out in the processor's patch order: row k of ``vision_features`` is merged token
  k, i.e. (t, merged row, merged column). Window attention costs O(64) per patch; the four
  full-attention blocks cost O(L^2) per temporal group with L = h*w patches, so a runtime that wants
  bounded memory for long videos feeds one temporal group (two frames) per call - the graph accepts
  any number of items and groups per call. The Conv3d patch embedding (kernel = stride) is exported as
  the equivalent MatMul with the 1176-value patch rows, so it can be quantised like every other layer.
* embed_tokens: the token embedding table as a Gather.
* decoder_model_merged: the 28 decoder layers and the LM head, called layer by layer with an explicit
  cache (past inputs concatenated with the new keys and values, returned as ``present.*``), explicit
  3-plane M-RoPE (``mrope_section`` chunks of the rotary frequencies taken from planes t, h, w, computed
  in float32 from the given ``position_ids``), and an explicit causal + padding mask built from
  ``attention_mask`` with offset ``past = attention_mask.shape[1] - seq``. The model's own forward is not
  traced because its cache classes and mask builders change between transformers releases and do not
  trace reliably; the wrapper only uses the stable submodules (q/k/v/o projections, RMSNorms, MLP,
  lm_head). Because the mask uses that offset, a prompt can be prefilled in several chunks.

Precisions
----------
* fp32: the traced graph, weight transposes folded into the initializers.
* fp16: MatMul weights (and the embedding table) stored as float16; each such MatMul runs in float16 on
  a Cast of its input and casts its result back to float32. Everything else - RMSNorm statistics, the
  residual stream, rotary angles, softmax, attention products - stays float32. This is deliberate:
  Qwen2 residual activations exceed the float16 range, and a generic converter
  (onnxconverter_common.float16 with an op block list) round-trips the edges between blocked nodes
  through float16, which overflows exactly there; it is therefore not used. Graph I/O stays float32.
  fp16 is meant for the CUDA execution provider; the CPU provider runs it too, but fp32 or q4 are the
  better CPU choices.
* q4: ``onnxruntime.quantization`` MatMulNBitsQuantizer on the fp32 graph: 4-bit, block 32, symmetric,
  for every MatMul with a constant 2-D weight. The LM head stays float32 unless --q4-lm-head (the reward
  score is a difference of two of its logits). The embedding table, a Gather, is stored as float16.

Run ``python tools/convert_cosmos_reason.py --help`` for the options and tools/README.md for hardware needs.
"""

from __future__ import annotations

import argparse
import errno
import gc
import inspect
import json
import math
import os
import re
import shutil
import sys
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

try:
    import numpy as np
    import torch
    from torch import nn
except ImportError as _missing:  # pragma: no cover - only hit without the requirements installed
    sys.stderr.write(
        f"error: {_missing}. Install the converter's requirements first:\n"
        "  python -m pip install -r tools/requirements.txt\n"
    )
    sys.exit(1)


SUPPORTED_ARCHITECTURE = "Qwen2_5_VLForConditionalGeneration"
SUPPORTED_MODEL_TYPE = "qwen2_5_vl"
PRECISIONS = ("fp32", "fp16", "q4")
GRAPHS = ("vision_encoder", "embed_tokens", "decoder_model_merged")
SUFFIX = {"fp32": "", "fp16": "_fp16", "q4": "_q4"}
ONNX_SUBDIR = "onnx"
# Graphs whose initializers exceed this are saved with one external data file "<graph>.onnx_data".
# Protobuf refuses messages of 2 GiB or more; keep a margin for the graph itself.
EXTERNAL_DATA_THRESHOLD = 1_900_000_000
MASK_VALUE = float(torch.finfo(torch.float32).min)
Q4_BLOCK_SIZE = 32

REQUIRED_FILES = ("config.json", "preprocessor_config.json", "tokenizer.json", "tokenizer_config.json")
OPTIONAL_FILES = (
    "generation_config.json",
    "video_preprocessor_config.json",
    "chat_template.json",
    "chat_template.jinja",
    "special_tokens_map.json",
    "added_tokens.json",
    "vocab.json",
    "merges.txt",
    "video_preprocessor_config.json",
)
DOWNLOAD_PATTERNS = ["*.json", "*.safetensors", "*.txt", "*.jinja"]

_START = time.monotonic()


class ConversionError(Exception):
    """An error with a message that tells the user what to do; printed without a traceback."""


def log(message: str) -> None:
    print(f"[{time.monotonic() - _START:7.1f}s] {message}", flush=True)


def gib(n_bytes: float) -> str:
    return f"{n_bytes / 1e9:.1f} GB"


# ----------------------------------------------------------------------------------------------
# Model dimensions
# ----------------------------------------------------------------------------------------------


@dataclass
class Dims:
    hidden: int
    layers: int
    heads: int
    kv_heads: int
    head_dim: int
    vocab: int
    rope_theta: float
    mrope_section: list[int]
    vision_hidden: int
    vision_heads: int
    vision_depth: int
    patch_values: int
    vision_out: int
    merge: int
    patch_size: int
    temporal_patch_size: int
    window_size: int
    fullatt_blocks: list[int]
    tokens_per_second: float
    video_token_id: int
    image_token_id: int
    vision_start_token_id: int
    extra: dict[str, Any] = field(default_factory=dict)


def _first(*values: Any) -> Any:
    for value in values:
        if value is not None:
            return value
    return None


def _rope_dict(cfg: Any) -> dict:
    for name in ("rope_scaling", "rope_parameters"):
        value = getattr(cfg, name, None) if not isinstance(cfg, dict) else cfg.get(name)
        if isinstance(value, dict):
            return value
    return {}


def model_dims(model: Any, raw_config: dict) -> Dims:
    """Read the dimensions the wrappers need from the loaded model's config (raw JSON as fallback)."""
    cfg = model.config
    text_cfg = cfg.get_text_config() if hasattr(cfg, "get_text_config") else cfg
    vis_cfg = cfg.vision_config
    raw_text = raw_config.get("text_config") or {}
    raw_vis = raw_config.get("vision_config") or {}

    rope = _rope_dict(text_cfg) or _rope_dict(raw_text) or _rope_dict(raw_config)
    rope_type = rope.get("rope_type", rope.get("type", "default"))
    if rope_type not in ("mrope", "default"):
        raise ConversionError(f"unsupported rope type {rope_type!r} in config.json (expected M-RoPE)")
    mrope_section = rope.get("mrope_section")
    if not mrope_section:
        raise ConversionError("config.json has no rope_scaling.mrope_section; not a Qwen2.5-VL checkpoint?")
    rope_theta = _first(
        getattr(text_cfg, "rope_theta", None),
        rope.get("rope_theta"),
        raw_text.get("rope_theta"),
        raw_config.get("rope_theta"),
    )
    if rope_theta is None:
        raise ConversionError("config.json has no rope_theta")
    if getattr(text_cfg, "use_sliding_window", False):
        raise ConversionError("config.json enables use_sliding_window, which this converter does not implement")

    hidden = int(text_cfg.hidden_size)
    heads = int(text_cfg.num_attention_heads)
    lm_head = model.lm_head
    dims = Dims(
        hidden=hidden,
        layers=int(text_cfg.num_hidden_layers),
        heads=heads,
        kv_heads=int(text_cfg.num_key_value_heads),
        head_dim=hidden // heads,
        vocab=int(lm_head.weight.shape[0]),
        rope_theta=float(rope_theta),
        mrope_section=[int(x) for x in mrope_section],
        vision_hidden=int(vis_cfg.hidden_size),
        vision_heads=int(vis_cfg.num_heads),
        vision_depth=int(vis_cfg.depth),
        patch_values=int(_first(getattr(vis_cfg, "in_channels", None), getattr(vis_cfg, "in_chans", None), 3))
        * int(vis_cfg.temporal_patch_size)
        * int(vis_cfg.patch_size) ** 2,
        vision_out=int(_first(getattr(vis_cfg, "out_hidden_size", None), raw_vis.get("out_hidden_size"), hidden)),
        merge=int(vis_cfg.spatial_merge_size),
        patch_size=int(vis_cfg.patch_size),
        temporal_patch_size=int(vis_cfg.temporal_patch_size),
        window_size=int(vis_cfg.window_size),
        fullatt_blocks=[int(x) for x in vis_cfg.fullatt_block_indexes],
        tokens_per_second=float(_first(getattr(vis_cfg, "tokens_per_second", None), raw_vis.get("tokens_per_second"), 2)),
        video_token_id=int(_first(getattr(cfg, "video_token_id", None), raw_config.get("video_token_id"), 151656)),
        image_token_id=int(_first(getattr(cfg, "image_token_id", None), raw_config.get("image_token_id"), 151655)),
        vision_start_token_id=int(
            _first(getattr(cfg, "vision_start_token_id", None), raw_config.get("vision_start_token_id"), 151652)
        ),
    )
    if dims.head_dim * dims.heads != dims.hidden or dims.heads % dims.kv_heads:
        raise ConversionError(f"inconsistent attention sizes in config.json: {dims}")
    if 2 * sum(dims.mrope_section) != dims.head_dim:
        raise ConversionError(f"mrope_section {dims.mrope_section} does not cover head_dim {dims.head_dim}")
    if dims.window_size % (dims.merge * dims.patch_size):
        raise ConversionError(f"vision window_size {dims.window_size} is not a multiple of merge * patch size")
    if dims.vision_out != dims.hidden:
        raise ConversionError(f"vision out_hidden_size {dims.vision_out} != text hidden_size {dims.hidden}")
    return dims


def language_model_of(model: Any) -> Any:
    """The text decoder: model.model.language_model (transformers >= 4.52) or model.model (4.49 - 4.51)."""
    inner = model.model
    text = getattr(inner, "language_model", None)
    if text is not None and hasattr(text, "layers"):
        return text
    if hasattr(inner, "layers"):
        return inner
    raise ConversionError("unsupported transformers layout: found no decoder layers under model.model")


def visual_of(model: Any) -> Any:
    visual = getattr(model, "visual", None)
    if visual is None:
        visual = getattr(model.model, "visual", None)
    if visual is None:
        raise ConversionError("unsupported transformers layout: found no vision tower (model.visual)")
    return visual


def check_layout(visual: Any, text: Any, lm_head: Any) -> None:
    """Fail early, with a clear message, if a transformers release renamed a submodule we rely on."""
    needed = {
        "visual.patch_embed.proj": getattr(getattr(visual, "patch_embed", None), "proj", None),
        "visual.blocks": getattr(visual, "blocks", None),
        "visual.merger.ln_q": getattr(getattr(visual, "merger", None), "ln_q", None),
        "visual.merger.mlp": getattr(getattr(visual, "merger", None), "mlp", None),
        "language_model.norm": getattr(text, "norm", None),
        "language_model.embed_tokens": getattr(text, "embed_tokens", None),
        "lm_head": lm_head,
    }
    block = visual.blocks[0] if getattr(visual, "blocks", None) is not None else None
    layer = text.layers[0]
    for name in ("norm1", "norm2", "mlp"):
        needed[f"visual.blocks.0.{name}"] = getattr(block, name, None)
    for name in ("qkv", "proj"):
        needed[f"visual.blocks.0.attn.{name}"] = getattr(getattr(block, "attn", None), name, None)
    for name in ("input_layernorm", "post_attention_layernorm", "mlp"):
        needed[f"layers.0.{name}"] = getattr(layer, name, None)
    for name in ("q_proj", "k_proj", "v_proj", "o_proj"):
        needed[f"layers.0.self_attn.{name}"] = getattr(getattr(layer, "self_attn", None), name, None)
    missing = [name for name, module in needed.items() if module is None]
    if missing:
        raise ConversionError(
            "this transformers version lays the model out differently than the converter expects "
            f"(missing: {', '.join(missing)}); install a version from tools/requirements.txt"
        )


# ----------------------------------------------------------------------------------------------
# Export wrappers
# ----------------------------------------------------------------------------------------------


def _usable_buffer(existing: Any, expected: torch.Tensor) -> bool:
    """The model's own rotary frequencies, when loaded (not meta), float32 and as expected up to rounding."""
    if not isinstance(existing, torch.Tensor) or existing.device.type == "meta":
        return False
    if existing.dtype != torch.float32 or existing.shape != expected.shape:
        return False
    return bool(torch.allclose(existing.detach().cpu(), expected, rtol=1e-5, atol=0.0))


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def segment_attention(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    seg: torch.Tensor,
    slot: torch.Tensor,
    num_segments: Any,
    segment_length: Any,
    scale: float,
) -> torch.Tensor:
    """Attention restricted to segments: token n attends to every token with the same seg[n].

    q, k, v: [N, heads, head_dim]; seg, slot: [N] int64 with a distinct (seg, slot) per token and
    slot < segment_length. Tokens are scattered into a zero-padded [num_segments, segment_length]
    layout, padding keys are masked out, and the result is gathered back into token order.
    num_segments / segment_length may be Python ints or 0-d tensors (traced as dynamic sizes)."""
    heads, head_dim = q.shape[1], q.shape[2]
    flat = seg * segment_length + slot
    total = num_segments * segment_length
    packed = torch.stack((q, k, v), dim=1)  # [N, 3, heads, head_dim]
    buf = torch.zeros((total, 3, heads, head_dim), dtype=q.dtype, device=q.device)
    buf = buf.index_put((flat,), packed)
    filled = torch.zeros((total,), dtype=q.dtype, device=q.device)
    filled = filled.index_put((flat,), torch.ones_like(seg, dtype=q.dtype))
    buf = buf.reshape(num_segments, segment_length, 3, heads, head_dim)
    qs = buf[:, :, 0].transpose(1, 2)  # [S, heads, L, head_dim]
    ks = buf[:, :, 1].transpose(1, 2)
    vs = buf[:, :, 2].transpose(1, 2)
    scores = torch.matmul(qs, ks.transpose(2, 3)) * scale  # [S, heads, L, L]
    key_is_token = filled.reshape(num_segments, 1, 1, segment_length) > 0.5
    scores = scores.masked_fill(~key_is_token, MASK_VALUE)
    probs = torch.softmax(scores, dim=-1)
    out = torch.matmul(probs, vs).transpose(1, 2)  # [S, L, heads, head_dim]
    out = out.reshape(total, heads, head_dim)
    return out.index_select(0, flat)


class VisionEncoderForExport(nn.Module):
    """model.visual(pixel_values, grid_thw) with the window/segment bookkeeping in tensor ops."""

    def __init__(self, visual: Any, dims: Dims):
        super().__init__()
        self.blocks = visual.blocks
        self.merger = visual.merger
        conv = visual.patch_embed.proj
        weight = conv.weight.detach()
        out_channels = weight.shape[0]
        if weight[0].numel() != dims.patch_values:
            raise ConversionError(f"patch embedding expects {weight[0].numel()} values per patch, not {dims.patch_values}")
        # Conv3d with kernel == stride over one patch is a dot product with the flattened
        # (channel, temporal, row, column) patch row, the processor's row order.
        self.patch_weight = nn.Parameter(weight.reshape(out_channels, -1).t().contiguous(), requires_grad=False)
        self.patch_bias = (
            nn.Parameter(conv.bias.detach().clone(), requires_grad=False) if conv.bias is not None else None
        )
        self.hidden = out_channels
        self.heads = dims.vision_heads
        self.head_dim = dims.vision_hidden // dims.vision_heads
        self.merge = dims.merge
        self.unit = dims.merge * dims.merge
        self.window = dims.window_size // dims.merge // dims.patch_size  # merged tokens per window side
        self.full_blocks = frozenset(dims.fullatt_blocks)
        self.scale = self.head_dim**-0.5
        rotary_dim = self.head_dim // 2
        default = 1.0 / (10000.0 ** (torch.arange(0, rotary_dim, 2, dtype=torch.float32) / rotary_dim))
        existing = getattr(getattr(visual, "rotary_pos_emb", None), "inv_freq", None)
        if _usable_buffer(existing, default):
            default = existing.detach().to("cpu").clone()
        self.register_buffer("inv_freq", default.to(weight.device), persistent=False)

    def layout(self, grid_thw: torch.Tensor, num_patches: Any) -> dict[str, Any]:
        """Per-patch coordinates and segment ids, from grid_thw alone (no Python loops over values)."""
        m, win, unit = self.merge, self.window, self.unit
        g = grid_thw.to(torch.int64)
        t, h, w = g[:, 0], g[:, 1], g[:, 2]
        per_item = t * h * w
        item_end = torch.cumsum(per_item, dim=0)
        item_start = item_end - per_item
        p = torch.arange(num_patches, dtype=torch.int64, device=g.device)
        item = (p.unsqueeze(1) >= item_end.unsqueeze(0)).to(torch.int64).sum(dim=1)
        hi, wi = h.index_select(0, item), w.index_select(0, item)
        local = p - item_start.index_select(0, item)
        frame = hi * wi
        tl = torch.div(local, frame, rounding_mode="floor")  # temporal group within the item
        r = local - tl * frame  # patch index within the group: (merged row, merged col, inner row, inner col)
        token = torch.div(r, unit, rounding_mode="floor")
        inner = r - token * unit
        ih = torch.div(inner, m, rounding_mode="floor")
        iw = inner - ih * m
        merged_w = torch.div(wi, m, rounding_mode="floor")
        hb = torch.div(token, merged_w, rounding_mode="floor")
        wb = token - hb * merged_w
        # Full attention: one segment per (item, temporal group), as cu_seqlens.
        group_start = torch.cumsum(t, dim=0) - t
        full_seg = group_start.index_select(0, item) + tl
        # Window attention: windows of win x win merged tokens, anchored at the top-left, as cu_window_seqlens.
        nwh = torch.div(torch.div(h, m, rounding_mode="floor") + (win - 1), win, rounding_mode="floor")
        nww = torch.div(torch.div(w, m, rounding_mode="floor") + (win - 1), win, rounding_mode="floor")
        windows = t * nwh * nww
        window_start = torch.cumsum(windows, dim=0) - windows
        nwh_p, nww_p = nwh.index_select(0, item), nww.index_select(0, item)
        wr, wc = torch.div(hb, win, rounding_mode="floor"), torch.div(wb, win, rounding_mode="floor")
        win_seg = window_start.index_select(0, item) + tl * (nwh_p * nww_p) + wr * nww_p + wc
        win_slot = ((hb - wr * win) * win + (wb - wc * win)) * unit + inner
        return {
            "row": hb * m + ih,
            "col": wb * m + iw,
            "full": (full_seg, r, t.sum(), (h * w).max()),
            "window": (win_seg, win_slot, windows.sum(), win * win * unit),
        }

    def rotary(self, row: torch.Tensor, col: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        freqs = torch.cat(
            (row.to(torch.float32).unsqueeze(1) * self.inv_freq, col.to(torch.float32).unsqueeze(1) * self.inv_freq),
            dim=1,
        )
        emb = torch.cat((freqs, freqs), dim=1)
        return emb.cos().unsqueeze(1), emb.sin().unsqueeze(1)  # [N, 1, head_dim]

    def attention(self, block: Any, x: torch.Tensor, cos, sin, segments) -> torch.Tensor:
        qkv = block.attn.qkv(x).reshape(-1, 3, self.heads, self.head_dim)  # x: [1, N, C]
        q, k, v = qkv[:, 0], qkv[:, 1], qkv[:, 2]
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        seg, slot, count, length = segments
        out = segment_attention(q, k, v, seg, slot, count, length, self.scale)
        return block.attn.proj(out.reshape(1, -1, self.hidden))

    def forward(self, pixel_values: torch.Tensor, grid_thw: torch.Tensor) -> torch.Tensor:
        x = torch.matmul(pixel_values.to(self.patch_weight.dtype), self.patch_weight)
        if self.patch_bias is not None:
            x = x + self.patch_bias
        lay = self.layout(grid_thw, pixel_values.shape[0])
        cos, sin = self.rotary(lay["row"], lay["col"])
        x = x.unsqueeze(0)  # [1, N, C]: keeps every nn.Linear a MatMul in the graph (not a Gemm)
        for index, block in enumerate(self.blocks):
            segments = lay["full"] if index in self.full_blocks else lay["window"]
            x = x + self.attention(block, block.norm1(x), cos, sin, segments)
            x = x + block.mlp(block.norm2(x))
        y = self.merger.ln_q(x).reshape(1, -1, self.hidden * self.unit)
        return self.merger.mlp(y).squeeze(0)


class EmbedTokensForExport(nn.Module):
    def __init__(self, embed_tokens: nn.Module):
        super().__init__()
        self.embed_tokens = embed_tokens

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        return self.embed_tokens(input_ids)


class DecoderForExport(nn.Module):
    """Language model + lm_head with an explicit cache, explicit M-RoPE and an explicit mask."""

    def __init__(self, text_model: Any, lm_head: nn.Module, dims: Dims):
        super().__init__()
        self.layers = text_model.layers
        self.norm = text_model.norm
        self.lm_head = lm_head
        self.heads, self.kv_heads, self.head_dim = dims.heads, dims.kv_heads, dims.head_dim
        self.mrope_section = list(dims.mrope_section)
        self.scale = self.head_dim**-0.5
        exponent = torch.arange(0, self.head_dim, 2, dtype=torch.int64).to(torch.float32) / self.head_dim
        inv_freq = 1.0 / (dims.rope_theta**exponent)
        rotary = getattr(text_model, "rotary_emb", None)
        if float(getattr(rotary, "attention_scaling", 1.0) or 1.0) != 1.0:
            raise ConversionError("the checkpoint's rotary embedding uses attention scaling, which is not supported")
        existing = getattr(rotary, "inv_freq", None)
        if _usable_buffer(existing, inv_freq):
            inv_freq = existing.detach().to("cpu").clone()
        self.register_buffer("inv_freq", inv_freq.to(lm_head.weight.device), persistent=False)

    def rope(self, position_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        freqs = position_ids.to(torch.float32).unsqueeze(-1) * self.inv_freq  # [3, B, S, head_dim/2]
        chunks, start = [], 0
        for plane, width in enumerate(self.mrope_section):
            chunks.append(freqs[plane, :, :, start : start + width])
            start += width
        angles = torch.cat(chunks, dim=-1)
        emb = torch.cat((angles, angles), dim=-1)  # [B, S, head_dim]
        return emb.cos().unsqueeze(1), emb.sin().unsqueeze(1)

    @staticmethod
    def mask(attention_mask: torch.Tensor, seq: Any) -> torch.Tensor:
        total = attention_mask.shape[1]
        query_pos = torch.arange(seq, dtype=torch.int64, device=attention_mask.device) + (total - seq)
        key_pos = torch.arange(total, dtype=torch.int64, device=attention_mask.device)
        causal = key_pos.unsqueeze(0) <= query_pos.unsqueeze(1)  # [S, T]
        keep = (attention_mask > 0).unsqueeze(1).unsqueeze(2)  # [B, 1, 1, T]
        return causal.unsqueeze(0).unsqueeze(0) & keep  # [B, 1, S, T]

    def attend(self, q, k, v, allowed, batch, seq):
        rep = self.heads // self.kv_heads
        if rep > 1:
            k = k.unsqueeze(2).expand(-1, -1, rep, -1, -1).flatten(1, 2)
            v = v.unsqueeze(2).expand(-1, -1, rep, -1, -1).flatten(1, 2)
        scores = torch.matmul(q, k.transpose(2, 3)) * self.scale
        scores = scores.masked_fill(~allowed, MASK_VALUE)
        probs = torch.softmax(scores, dim=-1)
        out = torch.matmul(probs, v)  # [B, heads, S, head_dim]
        return out.transpose(1, 2).reshape(batch, seq, self.heads * self.head_dim)

    def forward(self, inputs_embeds, attention_mask, position_ids, *past_key_values):
        if len(past_key_values) != 2 * len(self.layers):
            raise ValueError(f"expected {2 * len(self.layers)} past tensors, got {len(past_key_values)}")
        batch, seq = inputs_embeds.shape[0], inputs_embeds.shape[1]
        cos, sin = self.rope(position_ids)
        allowed = self.mask(attention_mask, seq)
        hidden = inputs_embeds
        presents = []
        for index, layer in enumerate(self.layers):
            attn = layer.self_attn
            x = layer.input_layernorm(hidden)
            q = attn.q_proj(x).reshape(batch, seq, self.heads, self.head_dim).transpose(1, 2)
            k = attn.k_proj(x).reshape(batch, seq, self.kv_heads, self.head_dim).transpose(1, 2)
            v = attn.v_proj(x).reshape(batch, seq, self.kv_heads, self.head_dim).transpose(1, 2)
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
            k = torch.cat((past_key_values[2 * index], k), dim=2)
            v = torch.cat((past_key_values[2 * index + 1], v), dim=2)
            presents.extend((k, v))
            hidden = hidden + attn.o_proj(self.attend(q, k, v, allowed, batch, seq))
            hidden = hidden + layer.mlp(layer.post_attention_layernorm(hidden))
        logits = self.lm_head(self.norm(hidden))
        return (logits, *presents)


def decoder_io_names(layers: int) -> tuple[list[str], list[str], dict]:
    inputs = ["inputs_embeds", "attention_mask", "position_ids"]
    outputs = ["logits"]
    axes: dict[str, dict[int, str]] = {
        "inputs_embeds": {0: "batch", 1: "sequence"},
        "attention_mask": {0: "batch", 1: "total_sequence"},
        "position_ids": {1: "batch", 2: "sequence"},
        "logits": {0: "batch", 1: "sequence"},
    }
    for i in range(layers):
        for kind in ("key", "value"):
            inputs.append(f"past_key_values.{i}.{kind}")
            outputs.append(f"present.{i}.{kind}")
            axes[f"past_key_values.{i}.{kind}"] = {0: "batch", 2: "past_sequence"}
            axes[f"present.{i}.{kind}"] = {0: "batch", 2: "total_sequence"}
    return inputs, outputs, axes


# ----------------------------------------------------------------------------------------------
# PyTorch-side checks (wrapper vs. Hugging Face implementation)
# ----------------------------------------------------------------------------------------------


def _unwrap_vision_output(out: Any) -> torch.Tensor:
    if isinstance(out, torch.Tensor):
        return out
    pooled = getattr(out, "pooler_output", None)  # transformers 5: BaseModelOutputWithPooling
    if pooled is not None:
        return pooled
    if isinstance(out, (tuple, list)):
        return out[0]
    raise ConversionError(f"unexpected vision tower output type {type(out).__name__}")


def _rel_err(a: torch.Tensor, b: torch.Tensor) -> tuple[float, float]:
    a, b = a.detach().float().cpu(), b.detach().float().cpu()
    diff = float((a - b).abs().max())
    return diff, diff / max(1e-6, float(b.abs().max()))


def random_patches(grid: Sequence[Sequence[int]], dims: Dims, device, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    grid_t = torch.tensor(grid, dtype=torch.int64)
    n = int((grid_t[:, 0] * grid_t[:, 1] * grid_t[:, 2]).sum())
    pixels = torch.randn(n, dims.patch_values, generator=gen)
    return pixels.to(device), grid_t.to(device)


# Grids are (t, h, w) in patches; h and w even. Some are not multiples of the window (8 patches) so
# that partial windows and several items per call are covered.
EXPORT_GRID = [[2, 8, 12], [1, 6, 4]]
CHECK_GRIDS = [[[1, 10, 14]], [[3, 6, 8], [1, 18, 4], [2, 4, 20]]]


def check_vision_wrapper(visual: Any, wrapper: nn.Module, dims: Dims, device) -> None:
    for i, grid in enumerate([EXPORT_GRID] + CHECK_GRIDS):
        pixels, grid_t = random_patches(grid, dims, device, seed=100 + i)
        with torch.no_grad():
            ref = _unwrap_vision_output(visual(pixels, grid_thw=grid_t))
            ours = wrapper(pixels, grid_t)
        if tuple(ours.shape) != tuple(ref.shape):
            raise ConversionError(f"vision wrapper shape {tuple(ours.shape)} != transformers {tuple(ref.shape)} for grid {grid}")
        diff, rel = _rel_err(ours, ref)
        log(f"  vision wrapper vs transformers, grid {grid}: max abs diff {diff:.2e} (relative {rel:.1e})")
        if not rel <= 1e-3:
            raise ConversionError(f"vision wrapper disagrees with transformers for grid {grid} (relative error {rel:.2e})")


def _text_forward(text_model: Any, lm_head: nn.Module, embeds, mask, positions) -> torch.Tensor:
    out = text_model(inputs_embeds=embeds, attention_mask=mask, position_ids=positions, use_cache=False)
    hidden = getattr(out, "last_hidden_state", None)
    if hidden is None:
        hidden = out[0]
    return lm_head(hidden)


def _demo_positions(batch: int, seq: int, device) -> torch.Tensor:
    """3-plane positions shaped like a prompt with a small video block in it."""
    t = [0, 1, 2, 2, 2, 2, 3, 3, 3, 3, 6, 7, 8][:seq]
    h = [0, 1, 2, 2, 3, 3, 2, 2, 3, 3, 6, 7, 8][:seq]
    w = [0, 1, 2, 3, 2, 3, 2, 3, 2, 3, 6, 7, 8][:seq]
    pos = torch.tensor([t, h, w], dtype=torch.int64)
    return pos.unsqueeze(1).expand(3, batch, seq).contiguous().to(device)


def empty_past(dims: Dims, batch: int, device, length: int = 0) -> list[torch.Tensor]:
    return [torch.zeros(batch, dims.kv_heads, length, dims.head_dim, device=device) for _ in range(2 * dims.layers)]


def check_decoder_wrapper(text_model: Any, lm_head: nn.Module, wrapper: nn.Module, dims: Dims, device) -> None:
    batch, seq, split = 2, 13, 9
    gen = torch.Generator().manual_seed(7)
    embeds = (torch.randn(batch, seq, dims.hidden, generator=gen) * 0.02).to(device)
    mask = torch.ones(batch, seq, dtype=torch.int64, device=device)
    positions = _demo_positions(batch, seq, device)
    with torch.no_grad():
        ref = _text_forward(text_model, lm_head, embeds, mask, positions)
        full = wrapper(embeds, mask, positions, *empty_past(dims, batch, device))
        diff, rel = _rel_err(full[0], ref)
        log(f"  decoder wrapper vs transformers, {seq} tokens: max abs diff {diff:.2e} (relative {rel:.1e})")
        if not rel <= 1e-3:
            raise ConversionError(f"decoder wrapper disagrees with transformers (relative error {rel:.2e})")
        first = wrapper(embeds[:, :split], mask[:, :split], positions[:, :, :split], *empty_past(dims, batch, device))
        second = wrapper(embeds[:, split:], mask, positions[:, :, split:], *first[1:])
        diff, rel = _rel_err(second[0], ref[:, split:])
        log(f"  decoder wrapper with cache ({split} + {seq - split} tokens): max abs diff {diff:.2e} (relative {rel:.1e})")
        if not rel <= 1e-3:
            raise ConversionError(f"decoder wrapper with cache disagrees with transformers (relative error {rel:.2e})")
        if tuple(second[1].shape) != (batch, dims.kv_heads, seq, dims.head_dim):
            raise ConversionError(f"unexpected present shape {tuple(second[1].shape)}")


# ----------------------------------------------------------------------------------------------
# torch.onnx.export
# ----------------------------------------------------------------------------------------------


def export_onnx(module: nn.Module, args: tuple, path: Path, inputs, outputs, axes, opset: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, Any] = dict(
        export_params=True,
        opset_version=opset,
        # Folding on the torch side would duplicate every transposed weight in memory; the
        # transposes are folded afterwards, one initializer at a time (fold_weight_transposes).
        do_constant_folding=False,
        input_names=list(inputs),
        output_names=list(outputs),
        dynamic_axes=axes,
    )
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False  # the TorchScript tracer: see the module docstring
    module.eval()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with torch.no_grad():
            torch.onnx.export(module, args, str(path), **kwargs)
    tracer_notes = sorted({str(w.message).splitlines()[0] for w in caught if "Tracer" in type(w.message).__name__})
    for note in tracer_notes[:8]:
        log(f"  tracer warning: {note}")


# ----------------------------------------------------------------------------------------------
# ONNX post-processing
# ----------------------------------------------------------------------------------------------


def _onnx():
    try:
        import onnx
        from onnx import helper, numpy_helper
    except ImportError as exc:
        raise ConversionError(f"{exc}; install tools/requirements.txt") from exc
    return onnx, helper, numpy_helper


def initializer_bytes(model) -> int:
    total = 0
    for tensor in model.graph.initializer:
        total += len(tensor.raw_data) if tensor.HasField("raw_data") else tensor.ByteSize()
    return total


def save_onnx(model, path: Path) -> int:
    """Save; with one external data file '<name>.onnx_data' when the weights exceed the protobuf limit."""
    onnx, _, _ = _onnx()
    size = initializer_bytes(model)
    data_path = path.with_name(path.name + "_data")
    for stale in (path, data_path):
        if stale.exists():
            stale.unlink()  # onnx appends to an existing external data file
    try:
        if size > EXTERNAL_DATA_THRESHOLD:
            onnx.save_model(
                model,
                str(path),
                save_as_external_data=True,
                all_tensors_to_one_file=True,
                location=data_path.name,
                size_threshold=1024,
                convert_attribute=False,
            )
        else:
            onnx.save_model(model, str(path))
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise ConversionError(f"out of disk space while writing {path}; free space and run again") from exc
        raise
    return size


def fold_weight_transposes(model) -> int:
    """Replace Transpose(initializer) by a transposed initializer, one tensor at a time."""
    _, helper, numpy_helper = _onnx()
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    uses: dict[str, int] = {}
    for node in graph.node:
        for name in node.input:
            uses[name] = uses.get(name, 0) + 1
    keep = []
    folded = 0
    for node in graph.node:
        if node.op_type == "Transpose" and node.input[0] in inits:
            source = inits[node.input[0]]
            array = numpy_helper.to_array(source)
            perm = next((list(a.ints) for a in node.attribute if a.name == "perm"), None)
            array = np.ascontiguousarray(np.transpose(array, perm) if perm else array.T)
            graph.initializer.extend([numpy_helper.from_array(array, name=node.output[0])])
            uses[node.input[0]] -= 1
            if uses[node.input[0]] == 0:
                graph.initializer.remove(source)
                del inits[node.input[0]]
            folded += 1
            continue
        copy = type(node)()
        copy.CopyFrom(node)
        keep.append(copy)
    del graph.node[:]
    graph.node.extend(keep)
    return folded


def _unique_namer(model):
    taken = {t.name for t in model.graph.initializer}
    taken.update(v.name for v in list(model.graph.input) + list(model.graph.output) + list(model.graph.value_info))
    for node in model.graph.node:
        taken.update(node.input)
        taken.update(node.output)
        taken.add(node.name)

    def fresh(base: str) -> str:
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}_{n}"
        taken.add(name)
        return name

    return fresh


def convert_weights_fp16(model) -> int:
    """Store MatMul weights and Gather tables as float16; run those MatMuls in float16 between Casts.

    Only constant float32 weights that are used exclusively as MatMul's B input (or Gather's data)
    are converted. Everything else, and the graph inputs and outputs, stays float32."""
    onnx, helper, numpy_helper = _onnx()
    FLOAT, FLOAT16 = onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    users: dict[str, list[tuple[str, int]]] = {}
    for node in graph.node:
        for index, name in enumerate(node.input):
            if name in inits:
                users.setdefault(name, []).append((node.op_type, index))

    def convertible(name: str, op_type: str, index: int) -> bool:
        tensor = inits.get(name)
        return (
            tensor is not None
            and tensor.data_type == FLOAT
            and all(use == (op_type, index) for use in users.get(name, []))
        )

    fresh = _unique_namer(model)
    converted: set[str] = set()
    casts: dict[str, str] = {}
    new_nodes = []
    for node in graph.node:
        copy = type(node)()
        copy.CopyFrom(node)
        if node.op_type == "MatMul" and convertible(node.input[1], "MatMul", 1):
            weight, activation, result = node.input[1], node.input[0], node.output[0]
            if activation not in casts:
                casts[activation] = fresh(f"{activation}__fp16")
                new_nodes.append(
                    helper.make_node("Cast", [activation], [casts[activation]], to=FLOAT16, name=fresh(f"{node.name}/cast_in"))
                )
            half_result = fresh(f"{result}__fp16")
            copy.input[0] = casts[activation]
            copy.output[0] = half_result
            new_nodes.append(copy)
            new_nodes.append(helper.make_node("Cast", [half_result], [result], to=FLOAT, name=fresh(f"{node.name}/cast_out")))
            converted.add(weight)
        elif node.op_type == "Gather" and convertible(node.input[0], "Gather", 0):
            result = node.output[0]
            half_result = fresh(f"{result}__fp16")
            copy.output[0] = half_result
            new_nodes.append(copy)
            new_nodes.append(helper.make_node("Cast", [half_result], [result], to=FLOAT, name=fresh(f"{node.name}/cast_out")))
            converted.add(node.input[0])
        else:
            new_nodes.append(copy)
    for name in converted:
        tensor = inits[name]
        array = numpy_helper.to_array(tensor)
        peak = float(np.abs(array).max()) if array.size else 0.0
        if peak > 65504.0:
            raise ConversionError(f"weight {name} has values up to {peak:g}, beyond float16 range")
        tensor.CopyFrom(numpy_helper.from_array(array.astype(np.float16), name=name))
    del graph.node[:]
    graph.node.extend(new_nodes)
    return len(converted)


def lm_head_nodes(model, dims: Dims) -> list[str]:
    _, _, numpy_helper = _onnx()
    shapes = {t.name: tuple(t.dims) for t in model.graph.initializer}
    return [
        node.name
        for node in model.graph.node
        if node.op_type == "MatMul" and shapes.get(node.input[1]) == (dims.hidden, dims.vocab)
    ]


def quantize_q4(model, exclude: Sequence[str], accuracy_level: int | None):
    """MatMulNBits, 4 bits, block 32, symmetric, for every MatMul with a constant 2-D weight."""
    import logging

    try:
        from onnxruntime.quantization import matmul_nbits_quantizer as qmod

        quantizer_cls = qmod.MatMulNBitsQuantizer
    except ImportError:
        try:
            from onnxruntime.quantization import matmul_4bits_quantizer as qmod

            quantizer_cls = qmod.MatMul4BitsQuantizer
        except ImportError as exc:
            raise ConversionError(f"onnxruntime's MatMulNBits quantizer is not available ({exc}); install tools/requirements.txt") from exc
    logging.getLogger(qmod.__name__).setLevel(logging.WARNING)
    quantizer = quantizer_cls(
        model,
        block_size=Q4_BLOCK_SIZE,
        is_symmetric=True,
        accuracy_level=accuracy_level,
        nodes_to_exclude=list(exclude),
    )
    quantizer.process()
    return quantizer.model.model


def check_interface(path: Path, graph: str, dims: Dims) -> None:
    """The contract: names and element types of the graph inputs and outputs."""
    onnx, _, _ = _onnx()
    model = onnx.load(str(path), load_external_data=False)
    F, I64 = onnx.TensorProto.FLOAT, onnx.TensorProto.INT64
    if graph == "vision_encoder":
        want_in = [("pixel_values", F), ("grid_thw", I64)]
        want_out = [("vision_features", F)]
    elif graph == "embed_tokens":
        want_in, want_out = [("input_ids", I64)], [("inputs_embeds", F)]
    else:
        names_in, names_out, _ = decoder_io_names(dims.layers)
        want_in = [(n, I64 if n in ("attention_mask", "position_ids") else F) for n in names_in]
        want_out = [(n, F) for n in names_out]
    got_in = [(v.name, v.type.tensor_type.elem_type) for v in model.graph.input]
    got_out = [(v.name, v.type.tensor_type.elem_type) for v in model.graph.output]
    if got_in != want_in or got_out != want_out:
        raise ConversionError(f"{path.name}: graph interface differs from the contract:\n  inputs {got_in}\n  outputs {got_out}")


# ----------------------------------------------------------------------------------------------
# onnxruntime helpers
# ----------------------------------------------------------------------------------------------


def ort_session(path: Path, device: torch.device, prefer_cuda: bool = True):
    try:
        import onnxruntime as ort
    except ImportError as exc:
        raise ConversionError(f"{exc}; install onnxruntime-gpu (or onnxruntime) from tools/requirements.txt") from exc
    options = ort.SessionOptions()
    options.log_severity_level = 3
    providers: list[Any] = ["CPUExecutionProvider"]
    if prefer_cuda and device.type == "cuda" and "CUDAExecutionProvider" in ort.get_available_providers():
        cuda = {"device_id": str(device.index or 0), "use_tf32": "0"}
        providers = [("CUDAExecutionProvider", cuda), "CPUExecutionProvider"]
    try:
        return ort.InferenceSession(str(path), options, providers=providers)
    except Exception as exc:
        if providers[0] != "CPUExecutionProvider" and "use_tf32" in str(exc):
            providers = [("CUDAExecutionProvider", {"device_id": str(device.index or 0)}), "CPUExecutionProvider"]
            return ort.InferenceSession(str(path), options, providers=providers)
        raise


def check_vision_graph(path: Path, wrapper: nn.Module, dims: Dims, device) -> None:
    """Run the exported vision graph on grids it was not traced with (catches sizes frozen by the trace)."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        log("  onnxruntime is not installed: skipped the check of the exported vision graph")
        return
    session = ort_session(path, torch.device("cpu"), prefer_cuda=False)
    for i, grid in enumerate(CHECK_GRIDS):
        pixels, grid_t = random_patches(grid, dims, device, seed=200 + i)
        with torch.no_grad():
            ref = wrapper(pixels, grid_t)
        (got,) = session.run(None, {"pixel_values": pixels.cpu().numpy(), "grid_thw": grid_t.cpu().numpy()})
        diff, rel = _rel_err(torch.from_numpy(got), ref)
        log(f"  exported vision graph (onnxruntime CPU), grid {grid}: max abs diff {diff:.2e} (relative {rel:.1e})")
        if got.shape != tuple(ref.shape) or not rel <= 1e-3:
            raise ConversionError(f"the exported vision graph disagrees with the wrapper for grid {grid}")
    del session


# ----------------------------------------------------------------------------------------------
# Checkpoint, files, resources
# ----------------------------------------------------------------------------------------------


REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


def resolve_checkpoint(model: str, revision: str | None) -> Path:
    local = Path(model).expanduser()
    if local.exists():
        if not local.is_dir():
            raise ConversionError(f"{local}: not a directory; pass a checkpoint folder or a Hugging Face repo id")
        return local.resolve()
    if not REPO_ID.match(model):
        raise ConversionError(f"{model}: no such folder, and not a Hugging Face repo id like nvidia/Cosmos-Reason1-7B")
    try:
        from huggingface_hub import snapshot_download
    except ImportError as exc:
        raise ConversionError(f"{exc}; install huggingface_hub (tools/requirements.txt) or pass a local folder") from exc
    token = os.environ.get("HF_TOKEN") or None
    log(f"downloading {model}{'@' + revision if revision else ''} from Hugging Face (≈17 GB; cached for next time)")
    try:
        path = snapshot_download(repo_id=model, revision=revision, token=token, allow_patterns=DOWNLOAD_PATTERNS)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise ConversionError("out of disk space while downloading the checkpoint (set HF_HOME to a larger disk)") from exc
        raise ConversionError(f"download of {model} failed: {exc}") from exc
    except Exception as exc:  # huggingface_hub's HTTP errors: gated repo, bad token, no network, ...
        hint = "" if token else " If the repo is gated, accept its license on huggingface.co and set HF_TOKEN."
        raise ConversionError(f"download of {model} failed: {type(exc).__name__}: {exc}.{hint}") from exc
    return Path(path)


def read_checkpoint_config(folder: Path) -> dict:
    path = folder / "config.json"
    if not path.is_file():
        raise ConversionError(f"{path}: missing; {folder} is not a Hugging Face checkpoint folder")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConversionError(f"{path}: unreadable ({exc})") from exc
    architectures = config.get("architectures") or []
    model_type = config.get("model_type")
    if SUPPORTED_ARCHITECTURE not in architectures and model_type != SUPPORTED_MODEL_TYPE:
        found = ", ".join(architectures) or model_type or "unknown"
        raise ConversionError(
            f"{path}: architecture {found} is not supported; this converter handles {SUPPORTED_ARCHITECTURE} "
            "checkpoints (nvidia/Cosmos-Reason1-7B, nvidia/Cosmos-Reason1-7B-Reward, Qwen2.5-VL)"
        )
    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if missing:
        raise ConversionError(f"{folder}: missing {', '.join(missing)}")
    if not list(folder.glob("*.safetensors")) and not list(folder.glob("*.bin")):
        raise ConversionError(f"{folder}: no weights (*.safetensors) found")
    return config


def checkpoint_fp32_bytes(folder: Path, config: dict) -> int:
    weights = list(folder.glob("*.safetensors")) or list(folder.glob("*.bin"))
    stored = sum(p.stat().st_size for p in weights)
    dtype = str(config.get("torch_dtype") or config.get("dtype") or (config.get("text_config") or {}).get("torch_dtype") or "bfloat16")
    per_param = 4 if "32" in dtype else 2
    return int(stored * 4 / per_param)


TOP_LEVEL_KEYS = (
    "hidden_size", "num_attention_heads", "num_hidden_layers", "num_key_value_heads", "head_dim", "vocab_size",
    "intermediate_size", "rms_norm_eps", "rope_theta", "rope_scaling", "max_position_embeddings",
    "bos_token_id", "eos_token_id", "pad_token_id", "image_token_id", "video_token_id",
    "vision_start_token_id", "vision_end_token_id",
)


def flatten_text_config(config: dict) -> list[str]:
    """Newer transformers save the text sizes under "text_config"; the runtime reads them at the top level.
    Copy the ones missing at the top level (nothing that is there is changed)."""
    text = config.get("text_config")
    if not isinstance(text, dict):
        return []
    added = [key for key in TOP_LEVEL_KEYS if key not in config and key in text]
    for key in added:
        config[key] = text[key]
    return added


def copy_model_files(source: Path, target: Path) -> None:
    for name in REQUIRED_FILES + OPTIONAL_FILES:
        if (source / name).is_file():
            shutil.copy2(source / name, target / name)
    config = json.loads((target / "config.json").read_text(encoding="utf-8"))
    added = flatten_text_config(config)
    if added:
        (target / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
        log(f"  config.json: copied {', '.join(added)} from text_config to the top level")
    template = None
    if (source / "chat_template.jinja").is_file():
        template = (source / "chat_template.jinja").read_text(encoding="utf-8")
    elif (source / "chat_template.json").is_file():
        template = json.loads((source / "chat_template.json").read_text(encoding="utf-8")).get("chat_template")
    tokenizer_config_path = target / "tokenizer_config.json"
    tokenizer_config = json.loads(tokenizer_config_path.read_text(encoding="utf-8"))
    if isinstance(template, str) and template:
        if tokenizer_config.get("chat_template") not in (None, template):
            log("  tokenizer_config.json: chat_template replaced by the processor's chat template")
        tokenizer_config["chat_template"] = template
        tokenizer_config_path.write_text(json.dumps(tokenizer_config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    elif not tokenizer_config.get("chat_template"):
        log("  warning: the checkpoint has no chat template (tokenizer_config.json, chat_template.json/.jinja)")
    if not (target / "generation_config.json").is_file():
        generation = {k: config[k] for k in ("bos_token_id", "eos_token_id", "pad_token_id") if k in config}
        (target / "generation_config.json").write_text(json.dumps(generation, indent=2) + "\n", encoding="utf-8")
        log("  warning: the checkpoint has no generation_config.json; wrote one with its token ids only")


def _version_tuple(text: str) -> tuple[int, int] | None:
    parts = text.split(".")
    try:
        return int(parts[0]), int(parts[1])
    except (IndexError, ValueError):
        return None


def time_rule_of(config: dict, chosen: str | None) -> tuple[str, str]:
    """The M-RoPE time rule to record: given with --time-rule, else from the transformers release that saved the checkpoint.

    transformers 4.52-5.17 cast second_per_grid_t to an integer before multiplying (every temporal position 0 when
    frames are sampled faster than 2 fps); 4.49-4.51, >= 5.18 and vLLM multiply as floats."""
    if chosen:
        return chosen, "set with --time-rule when converting"
    saved = config.get("transformers_version")
    version = _version_tuple(saved) if isinstance(saved, str) else None
    if version is None:
        return "float", "config.json does not say which transformers release saved the checkpoint; float, as vLLM computes it"
    if (4, 52) <= version < (5, 18):
        return "truncate", f"the checkpoint was saved by transformers {saved}, whose get_rope_index casts second_per_grid_t to an integer"
    return "float", f"the checkpoint was saved by transformers {saved}, whose get_rope_index multiplies second_per_grid_t as a float"


def write_model_notes(target: Path, config: dict, chosen: str | None) -> None:
    rule, reason = time_rule_of(config, chosen)
    notes = {"time_rule": rule, "time_rule_reason": reason}
    (target / "cosmos_critic.json").write_text(json.dumps(notes, indent=2) + "\n", encoding="utf-8")
    log(f"  cosmos_critic.json: time rule {rule} ({reason})")


def available_ram() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def parse_device(text: str) -> torch.device:
    try:
        device = torch.device(text)
    except RuntimeError as exc:
        raise ConversionError(f"--device {text}: {exc}") from exc
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise ConversionError(
                "--device cuda: no CUDA device is visible to PyTorch (a CPU-only torch build, no driver, or "
                "CUDA_VISIBLE_DEVICES hides it). Install a CUDA build of torch, or pass --device cpu "
                "(slower, needs about 64 GB of RAM)."
            )
        index = device.index or 0
        if index >= torch.cuda.device_count():
            raise ConversionError(f"--device {text}: only {torch.cuda.device_count()} CUDA device(s) present")
        device = torch.device("cuda", index)
    elif device.type != "cpu":
        raise ConversionError(f"--device {text}: use cuda, cuda:N or cpu")
    return device


def check_resources(device: torch.device, fp32_bytes: int, precisions: Sequence[str], out_dir: Path) -> None:
    need_disk = fp32_bytes  # fp32 graphs are always made: the other precisions are derived from them
    if "fp16" in precisions:
        need_disk += fp32_bytes // 2
    if "q4" in precisions:
        need_disk += int(fp32_bytes * 0.25)
    need_disk = int(need_disk * 1.05) + 2_000_000_000
    free_disk = shutil.disk_usage(out_dir.parent).free
    log(f"disk: about {gib(need_disk)} needed in {out_dir.parent}, {gib(free_disk)} free")
    if free_disk < need_disk:
        raise ConversionError(
            f"not enough disk space in {out_dir.parent}: about {gib(need_disk)} needed, {gib(free_disk)} free. "
            "Choose another --out or fewer --precision values."
        )
    if device.type == "cuda":
        free_gpu, total_gpu = torch.cuda.mem_get_info(device)
        need_gpu = int(fp32_bytes * 1.05) + 1_500_000_000
        log(f"GPU {torch.cuda.get_device_name(device)}: {gib(free_gpu)} free of {gib(total_gpu)}, about {gib(need_gpu)} needed")
        if free_gpu < need_gpu:
            raise ConversionError(
                f"the float32 model needs about {gib(need_gpu)} of GPU memory and {gib(free_gpu)} is free. "
                "Free the GPU, or pass --device cpu (needs about 64 GB of RAM)."
            )
    need_ram = int(fp32_bytes * (1.2 if device.type == "cuda" else 1.9))
    ram = available_ram()
    if ram is not None:
        log(f"RAM: {gib(ram)} available, about {gib(need_ram)} needed at the peak")
        if ram < need_ram:
            log("  warning: this may run out of memory; close other programs or add swap")


# ----------------------------------------------------------------------------------------------
# Loading the PyTorch model
# ----------------------------------------------------------------------------------------------


def load_hf_model(folder: Path, device: torch.device):
    try:
        import transformers
        from packaging.version import Version
        from transformers import Qwen2_5_VLForConditionalGeneration
    except ImportError as exc:
        raise ConversionError(f"{exc}; transformers >= 4.49 with Qwen2.5-VL is required (tools/requirements.txt)") from exc
    version = Version(transformers.__version__)
    if version < Version("4.49.0"):
        raise ConversionError(f"transformers {version} is too old; Qwen2.5-VL needs >= 4.49")
    dtype_key = "dtype" if version >= Version("4.56.0") else "torch_dtype"
    kwargs: dict[str, Any] = {dtype_key: torch.float32, "low_cpu_mem_usage": True, "attn_implementation": "sdpa"}
    if device.type == "cuda":
        kwargs["device_map"] = {"": device.index or 0}
    log(f"loading {folder} in float32 on {device} (transformers {version})")
    try:
        model = Qwen2_5_VLForConditionalGeneration.from_pretrained(str(folder), **kwargs)
    except torch.cuda.OutOfMemoryError as exc:
        raise ConversionError("out of GPU memory while loading the float32 model; pass --device cpu") from exc
    model.eval()
    model.requires_grad_(False)
    dtypes = {p.dtype for p in model.parameters()}
    if dtypes != {torch.float32}:
        raise ConversionError(f"the model loaded as {dtypes}, expected float32")
    return model


def release() -> None:
    """Return freed tensors to the system (callers `del` their references first)."""
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


# ----------------------------------------------------------------------------------------------
# Conversion
# ----------------------------------------------------------------------------------------------


def graph_path(onnx_dir: Path, graph: str, precision: str) -> Path:
    return onnx_dir / f"{graph}{SUFFIX[precision]}.onnx"


def files_of(path: Path) -> list[Path]:
    data = path.with_name(path.name + "_data")
    return [path] + ([data] if data.exists() else [])


def finalize_fp32(raw: Path, final: Path) -> None:
    onnx, _, _ = _onnx()
    model = onnx.load(str(raw))  # reads the exporter's per-tensor external files into memory
    shutil.rmtree(raw.parent)  # frees the disk before the consolidated copy is written
    folded = fold_weight_transposes(model)
    gemms = sum(1 for node in model.graph.node if node.op_type == "Gemm")
    if gemms:
        log(f"  note: {gemms} Gemm node(s) remain; q4 quantises MatMul only")
    size = save_onnx(model, final)
    del model
    release()
    log(f"  wrote {final.name} ({gib(size)} of weights, {folded} weight transposes folded)")
    try:
        onnx.checker.check_model(str(final))
    except Exception as exc:  # noqa: BLE001
        raise ConversionError(f"{final.name} fails the ONNX checker: {exc}") from exc


def derive_precisions(onnx_dir: Path, precisions: Sequence[str], dims: Dims, args) -> None:
    onnx, _, _ = _onnx()
    for graph in GRAPHS:
        source = graph_path(onnx_dir, graph, "fp32")
        if "fp16" in precisions:
            log(f"{graph}: float16 weights")
            model = onnx.load(str(source))
            count = convert_weights_fp16(model)
            size = save_onnx(model, graph_path(onnx_dir, graph, "fp16"))
            del model
            release()
            log(f"  wrote {graph}_fp16.onnx ({count} weights in float16, {gib(size)})")
        if "q4" in precisions:
            target = graph_path(onnx_dir, graph, "q4")
            model = onnx.load(str(source))
            if graph == "embed_tokens":
                log(f"{graph}: q4 variant = float16 table (a Gather has no MatMulNBits form)")
                convert_weights_fp16(model)
            else:
                exclude = [] if args.q4_lm_head or graph != "decoder_model_merged" else lm_head_nodes(model, dims)
                log(f"{graph}: 4-bit MatMulNBits (block {Q4_BLOCK_SIZE}){', lm_head kept float32' if exclude else ''}")
                model = quantize_q4(model, exclude, args.q4_accuracy_level)
            size = save_onnx(model, target)
            del model
            release()
            log(f"  wrote {target.name} ({gib(size)})")
        for precision in precisions:
            check_interface(graph_path(onnx_dir, graph, precision), graph, dims)


def package_versions() -> dict[str, str]:
    versions = {"python": sys.version.split()[0], "torch": torch.__version__}
    for name in ("transformers", "onnx", "onnxruntime"):
        try:
            versions[name] = __import__(name).__version__
        except Exception:  # noqa: BLE001 - informative only
            pass
    return versions


def write_export_info(onnx_dir: Path, args, dims: Dims, precisions: Sequence[str], source: str) -> None:
    files = {}
    for precision in precisions:
        for graph in GRAPHS:
            for path in files_of(graph_path(onnx_dir, graph, precision)):
                files[path.name] = path.stat().st_size
    names_in, names_out, _ = decoder_io_names(dims.layers)
    info = {
        "format": "cosmos-critic-onnx@1",
        "source": source,
        "architecture": SUPPORTED_ARCHITECTURE,
        "opset": args.opset,
        "precisions": list(precisions),
        "q4": {"block_size": Q4_BLOCK_SIZE, "symmetric": True, "lm_head": "4-bit" if args.q4_lm_head else "float32",
               "accuracy_level": args.q4_accuracy_level, "embed_tokens": "float16 table"},
        "fp16": "MatMul weights and embedding table in float16; norms, residuals, rotary, softmax in float32",
        "graphs": {
            "vision_encoder": {
                "inputs": {"pixel_values": ["float32", ["num_patches", dims.patch_values]], "grid_thw": ["int64", ["num_items", 3]]},
                "outputs": {"vision_features": ["float32", ["num_patches/4", dims.vision_out]]},
                "notes": "rows in processor patch order; output row k = merged token k; any number of items and "
                "temporal groups per call (full-attention memory grows with (h*w)^2 per group)",
            },
            "embed_tokens": {
                "inputs": {"input_ids": ["int64", ["batch", "sequence"]]},
                "outputs": {"inputs_embeds": ["float32", ["batch", "sequence", dims.hidden]]},
            },
            "decoder_model_merged": {
                "inputs": names_in[:3] + [f"past_key_values.{{0..{dims.layers - 1}}}.{{key,value}}"],
                "outputs": names_out[:1] + [f"present.{{0..{dims.layers - 1}}}.{{key,value}}"],
                "shapes": {
                    "inputs_embeds": ["batch", "sequence", dims.hidden],
                    "attention_mask": ["batch", "past_sequence + sequence"],
                    "position_ids": [3, "batch", "sequence"],
                    "past_key_values": ["batch", dims.kv_heads, "past_sequence", dims.head_dim],
                    "logits": ["batch", "sequence", dims.vocab],
                    "present": ["batch", dims.kv_heads, "past_sequence + sequence", dims.head_dim],
                },
                "notes": "past_sequence may be 0; past_sequence = attention_mask.shape[1] - sequence, so a prompt can "
                "be prefilled in chunks; attention_mask 0 marks padding",
            },
        },
        "dims": asdict(dims),
        "files": files,
        "versions": package_versions(),
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (onnx_dir / "export_info.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")


def convert(args, precisions: Sequence[str], device: torch.device, checkpoint: Path, raw_config: dict, out_dir: Path) -> Dims:
    fp32_bytes = checkpoint_fp32_bytes(checkpoint, raw_config)
    check_resources(device, fp32_bytes, precisions, out_dir)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    log(f"working in {work}")
    try:
        onnx_dir = work / ONNX_SUBDIR
        onnx_dir.mkdir()
        raw_dir = work / "_raw"
        copy_model_files(checkpoint, work)
        write_model_notes(work, raw_config, args.time_rule)

        model = load_hf_model(checkpoint, device)
        dims = model_dims(model, raw_config)
        visual, text, lm_head = visual_of(model), language_model_of(model), model.lm_head
        check_layout(visual, text, lm_head)
        if (dims.hidden, dims.layers, dims.kv_heads, dims.head_dim, dims.vocab) != (3584, 28, 4, 128, 152064):
            log(f"  note: this is not the 7B layout the Cosmos Critic runtime documents ({dims.hidden=}, {dims.layers=})")

        log("vision_encoder: checking the export wrapper against transformers")
        vision = VisionEncoderForExport(visual, dims)
        check_vision_wrapper(visual, vision, dims, device)
        log("vision_encoder: exporting")
        pixels, grid = random_patches(EXPORT_GRID, dims, device, seed=1)
        raw = raw_dir / "vision_encoder" / "vision_encoder.onnx"
        export_onnx(
            vision, (pixels, grid), raw, ["pixel_values", "grid_thw"], ["vision_features"],
            {"pixel_values": {0: "num_patches"}, "grid_thw": {0: "num_items"}, "vision_features": {0: "num_tokens"}},
            args.opset,
        )
        check_vision_graph(raw, vision, dims, device)
        finalize_fp32(raw, graph_path(onnx_dir, "vision_encoder", "fp32"))
        del vision, pixels, grid

        log("embed_tokens: exporting")
        embed = EmbedTokensForExport(text.embed_tokens)
        ids = torch.randint(0, dims.vocab, (2, 5), dtype=torch.int64, device=device)
        raw = raw_dir / "embed_tokens" / "embed_tokens.onnx"
        export_onnx(
            embed, (ids,), raw, ["input_ids"], ["inputs_embeds"],
            {"input_ids": {0: "batch", 1: "sequence"}, "inputs_embeds": {0: "batch", 1: "sequence"}},
            args.opset,
        )
        finalize_fp32(raw, graph_path(onnx_dir, "embed_tokens", "fp32"))
        del embed, ids

        log("decoder_model_merged: checking the export wrapper against transformers")
        decoder = DecoderForExport(text, lm_head, dims)
        check_decoder_wrapper(text, lm_head, decoder, dims, device)
        log("decoder_model_merged: exporting (the longest step)")
        batch, seq, past = 2, 3, 4
        example = (
            torch.randn(batch, seq, dims.hidden, device=device) * 0.02,
            torch.ones(batch, past + seq, dtype=torch.int64, device=device),
            (torch.arange(seq, device=device) + past).view(1, 1, seq).expand(3, batch, seq).contiguous(),
            *[torch.randn(batch, dims.kv_heads, past, dims.head_dim, device=device) * 0.1 for _ in range(2 * dims.layers)],
        )
        names_in, names_out, axes = decoder_io_names(dims.layers)
        raw = raw_dir / "decoder_model_merged" / "decoder_model_merged.onnx"
        export_onnx(decoder, example, raw, names_in, names_out, axes, args.opset)
        del decoder, example, model, visual, text, lm_head
        release()
        finalize_fp32(raw, graph_path(onnx_dir, "decoder_model_merged", "fp32"))
        shutil.rmtree(raw_dir, ignore_errors=True)

        derive_precisions(onnx_dir, precisions, dims, args)
        if "fp32" not in precisions:
            for graph in GRAPHS:
                for path in files_of(graph_path(onnx_dir, graph, "fp32")):
                    path.unlink()
        write_export_info(onnx_dir, args, dims, precisions, args.model)

        if out_dir.exists():  # --force: replace, keeping the old copy until the new one is in place
            old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
            out_dir.rename(old)
            work.rename(out_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            work.rename(out_dir)
        log(f"done: {out_dir}")
        return dims
    except BaseException:
        if args.keep_temp:
            log(f"kept the unfinished work folder {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
        raise


# ----------------------------------------------------------------------------------------------
# --verify: PyTorch reference vs. the exported graphs
# ----------------------------------------------------------------------------------------------

VERIFY_SYSTEM = (
    "You judge short videos for physical plausibility. Look for violations of gravity, collisions, "
    "object permanence and similar physics. Begin your response with a single word: \"Yes\" or \"No\"."
)
VERIFY_QUESTION = "Does the video contain any anomalies or artifacts?"


def build_verify_inputs(processor, video: str, seed: int = 0):
    try:
        from qwen_vl_utils import process_vision_info
    except ImportError as exc:
        raise ConversionError(f"{exc}; --verify needs qwen-vl-utils (tools/requirements.txt)") from exc
    if video == "random":
        from PIL import Image

        rng = np.random.default_rng(seed)
        frames = [Image.fromarray(rng.integers(0, 256, (224, 308, 3), dtype=np.uint8)) for _ in range(8)]
        element = {"type": "video", "video": frames, "fps": 4.0, "resized_height": 224, "resized_width": 308}
    else:
        path = Path(video).expanduser()
        if not path.is_file():
            raise ConversionError(f"--verify {video}: no such file (give a video path, or 'random')")
        element = {"type": "video", "video": str(path.resolve()), "fps": 4.0, "max_frames": 16, "max_pixels": 160 * 28 * 28}
    messages = [
        {"role": "system", "content": VERIFY_SYSTEM},
        {"role": "user", "content": [element, {"type": "text", "text": VERIFY_QUESTION}]},
    ]
    text = processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    try:
        images, videos, video_kwargs = process_vision_info(messages, return_video_kwargs=True)
    except TypeError:
        images, videos = process_vision_info(messages)
        video_kwargs = {}
    return processor(text=[text], images=images, videos=videos, padding=True, return_tensors="pt", **video_kwargs)


def token_id(tokenizer, word: str) -> int:
    ids = tokenizer.encode(word, add_special_tokens=False)
    if len(ids) != 1:
        raise ConversionError(f"{word!r} is not a single token ({ids})")
    return ids[0]


def p_no(logits_row: np.ndarray, yes: int, no: int) -> float:
    a, b = float(logits_row[yes]), float(logits_row[no])
    return 1.0 / (1.0 + math.exp(a - b))


def rule_positions(input_ids: np.ndarray, grids: np.ndarray, seconds: Sequence[float], dims: Dims, truncate: bool) -> np.ndarray:
    """M-RoPE position ids as a runtime computes them (float rule, or transformers' integer-truncated one)."""
    ids = list(int(x) for x in input_ids)
    planes: list[np.ndarray] = []
    start, cursor = 0, 0
    for index, (t, h, w) in enumerate(grids.tolist()):
        pad = ids.index(dims.video_token_id, cursor)
        text_len = pad - cursor
        planes.append(np.tile(np.arange(start, start + text_len), (3, 1)))
        base = start + text_len
        lh, lw = h // dims.merge, w // dims.merge
        step = float(seconds[index]) if index < len(seconds) else 1.0
        if truncate:
            step = float(int(step))
        temporal = np.floor(np.arange(t, dtype=np.float32) * np.float32(step) * np.float32(dims.tokens_per_second)).astype(np.int64)
        tt = np.repeat(temporal, lh * lw)
        hh = np.tile(np.repeat(np.arange(lh), lw), t)
        ww = np.tile(np.arange(lw), t * lh)
        block = np.stack([tt, hh, ww]) + base
        planes.append(block)
        start = int(block.max()) + 1
        cursor = pad + t * lh * lw
    if cursor < len(ids):
        planes.append(np.tile(np.arange(start, start + len(ids) - cursor), (3, 1)))
    return np.concatenate(planes, axis=1)


def reference_outputs(model, inputs, device: torch.device, dims: Dims, yes: int, no: int) -> dict[str, Any]:
    text = language_model_of(model)
    captured: list[dict] = []

    def grab(module, args, kwargs):
        captured.append({k: kwargs.get(k) for k in ("inputs_embeds", "position_ids")})

    hook = text.register_forward_pre_hook(grab, with_kwargs=True)
    try:
        batch = {k: v.to(device) if isinstance(v, torch.Tensor) else v for k, v in inputs.items()}
        if "pixel_values_videos" in batch:
            batch["pixel_values_videos"] = batch["pixel_values_videos"].to(torch.float32)
        with torch.no_grad():
            features = _unwrap_vision_output(
                visual_of(model)(batch["pixel_values_videos"], grid_thw=batch["video_grid_thw"])
            )
            out = model(**batch, use_cache=True)
            logits = out.logits[0].float()
            next_id = int(logits[-1].argmax())
            seq = batch["input_ids"].shape[1]
            step = model(
                input_ids=torch.tensor([[next_id]], device=device),
                attention_mask=torch.ones(1, seq + 1, dtype=torch.int64, device=device),
                past_key_values=out.past_key_values,
                use_cache=True,
                cache_position=torch.tensor([seq], device=device),
            )
    finally:
        hook.remove()
    if len(captured) < 2 or any(not isinstance(c.get(k), torch.Tensor) for c in captured for k in ("inputs_embeds", "position_ids")):
        raise ConversionError("--verify could not observe the decoder inputs in this transformers version")

    def planes(pos: torch.Tensor) -> np.ndarray:
        pos = pos.detach().cpu()
        if pos.dim() == 3 and pos.shape[0] == 4:  # newer transformers prepend a text-position plane
            pos = pos[1:]
        if pos.dim() == 2:
            pos = pos.unsqueeze(0).expand(3, -1, -1)
        return pos.to(torch.int64).numpy()

    last = logits[-1].cpu().numpy()
    return {
        "vision": features.float().cpu().numpy(),
        "embeds": captured[0]["inputs_embeds"].float().cpu().numpy(),
        "positions": planes(captured[0]["position_ids"]),
        "logits": logits.cpu().numpy(),
        "next_id": next_id,
        "step_positions": planes(captured[-1]["position_ids"]),
        "step_logits": step.logits[0, -1].float().cpu().numpy(),
        "p_no": p_no(last, yes, no),
    }


THRESHOLDS = {  # (max |Δ logits|, |Δ P(No)|): fp32 must meet them; fp16 and q4 are reported, warned beyond
    "fp32": (0.05, 2e-3),
    "fp16": (1.0, 0.03),
    "q4": (4.0, 0.15),
}


def verify_precision(onnx_dir: Path, precision: str, inputs, ref: dict, dims: Dims, device: torch.device, yes: int, no: int) -> dict:
    result: dict[str, Any] = {"precision": precision}
    ids = inputs["input_ids"].numpy().astype(np.int64)
    seq = ids.shape[1]

    session = ort_session(graph_path(onnx_dir, "vision_encoder", precision), device)
    (features,) = session.run(
        None,
        {
            "pixel_values": inputs["pixel_values_videos"].float().numpy(),
            "grid_thw": inputs["video_grid_thw"].numpy().astype(np.int64),
        },
    )
    del session
    result["vision_max_abs_diff"] = float(np.abs(features - ref["vision"]).max())
    result["vision_relative"] = result["vision_max_abs_diff"] / float(np.abs(ref["vision"]).max())

    session = ort_session(graph_path(onnx_dir, "embed_tokens", precision), device)
    (embeds,) = session.run(None, {"input_ids": ids})
    (step_embeds,) = session.run(None, {"input_ids": np.array([[ref["next_id"]]], dtype=np.int64)})
    del session
    video_rows = ids[0] == dims.video_token_id
    if int(video_rows.sum()) != features.shape[0]:
        raise ConversionError(f"{int(video_rows.sum())} video tokens but {features.shape[0]} vision features")
    embeds[0, video_rows] = features
    result["embeds_max_abs_diff"] = float(np.abs(embeds - ref["embeds"]).max())

    session = ort_session(graph_path(onnx_dir, "decoder_model_merged", precision), device)
    names = [o.name for o in session.get_outputs()]

    def run(e, mask, pos, past):
        feeds = {"inputs_embeds": e, "attention_mask": mask, "position_ids": pos}
        for i in range(dims.layers):
            feeds[f"past_key_values.{i}.key"] = past[2 * i]
            feeds[f"past_key_values.{i}.value"] = past[2 * i + 1]
        outs = session.run(None, {k: np.ascontiguousarray(v) for k, v in feeds.items()})
        return outs[0], outs[1:]

    empty = [np.zeros((1, dims.kv_heads, 0, dims.head_dim), np.float32)] * (2 * dims.layers)
    logits, presents = run(embeds, np.ones((1, seq), np.int64), ref["positions"], empty)
    result["prefill_logits_max_abs_diff"] = float(np.abs(logits[0] - ref["logits"]).max())
    result["prefill_last_max_abs_diff"] = float(np.abs(logits[0, -1] - ref["logits"][-1]).max())
    result["argmax_agrees"] = int(logits[0, -1].argmax()) == ref["next_id"]
    result["p_no_reference"] = ref["p_no"]
    result["p_no"] = p_no(logits[0, -1], yes, no)
    result["p_no_abs_diff"] = abs(result["p_no"] - ref["p_no"])

    half = seq // 2
    _, first = run(embeds[:, :half], np.ones((1, half), np.int64), ref["positions"][:, :, :half], empty)
    chunked, _ = run(embeds[:, half:], np.ones((1, seq), np.int64), ref["positions"][:, :, half:], first)
    result["chunked_prefill_vs_full"] = float(np.abs(chunked[0, -1] - logits[0, -1]).max())

    step_logits, _ = run(step_embeds, np.ones((1, seq + 1), np.int64), ref["step_positions"], presents)
    result["decode_step_max_abs_diff"] = float(np.abs(step_logits[0, -1] - ref["step_logits"]).max())
    del session, names
    finite = all(np.isfinite(x).all() for x in (features, logits, step_logits))
    max_logit, max_p = THRESHOLDS[precision]
    worst = max(result["prefill_logits_max_abs_diff"], result["decode_step_max_abs_diff"])
    result["finite"] = bool(finite)
    result["within_thresholds"] = bool(
        finite and worst <= max_logit and result["p_no_abs_diff"] <= max_p and result["vision_relative"] <= (1e-3 if precision == "fp32" else 0.1)
    )
    return result


def verify(out_dir: Path, checkpoint: Path, raw_config: dict, video: str, device: torch.device) -> bool:
    onnx_dir = out_dir / ONNX_SUBDIR
    present = [p for p in PRECISIONS if all(graph_path(onnx_dir, g, p).exists() for g in GRAPHS)]
    if not present:
        raise ConversionError(f"{onnx_dir}: no complete set of graphs to verify")
    try:
        from transformers import AutoProcessor
    except ImportError as exc:
        raise ConversionError(f"{exc}; --verify needs transformers") from exc
    processor = AutoProcessor.from_pretrained(str(checkpoint))
    inputs = build_verify_inputs(processor, video)
    yes, no = token_id(processor.tokenizer, "Yes"), token_id(processor.tokenizer, "No")
    log(f"verify: {inputs['input_ids'].shape[1]} tokens, video grid {inputs['video_grid_thw'].tolist()}")

    model = load_hf_model(checkpoint, device)
    dims = model_dims(model, raw_config)
    log("verify: PyTorch reference (vision, prefill, one decode step)")
    ref = reference_outputs(model, inputs, device, dims, yes, no)
    del model
    release()

    report: dict[str, Any] = {"video": video, "tokens": int(inputs["input_ids"].shape[1]), "results": []}
    seconds = inputs.get("second_per_grid_ts")
    if isinstance(seconds, torch.Tensor):
        seconds = seconds.tolist()
    seconds = [float(x) for x in (seconds or [])]
    grids = inputs["video_grid_thw"].numpy()
    ids = inputs["input_ids"][0].numpy()
    hf_pos = ref["positions"][:, 0]
    rules = {}
    for name, truncate in (("float", False), ("integer-truncated", True)):
        rules[name] = bool(np.array_equal(rule_positions(ids, grids, seconds, dims, truncate), hf_pos))
    report["second_per_grid_ts"] = seconds
    report["transformers_position_rule"] = [name for name, same in rules.items() if same] or ["neither"]
    log(
        f"verify: transformers' M-RoPE positions match the {' and '.join(report['transformers_position_rule'])} "
        f"temporal rule (second_per_grid_t = {seconds})"
    )

    ok = True
    for precision in present:
        log(f"verify {precision}: running the ONNX graphs")
        try:
            result = verify_precision(onnx_dir, precision, inputs, ref, dims, device, yes, no)
        except ConversionError:
            raise
        except Exception as exc:  # e.g. onnxruntime out of memory: report, keep going with the others
            result = {"precision": precision, "error": f"{type(exc).__name__}: {exc}"}
            log(f"  could not run the {precision} graphs: {result['error']}")
            if "memory" in str(exc).lower() or "alloc" in str(exc).lower():
                log("  hint: the float32 decoder needs about 31 GB on the GPU; try --verify-only with --device cpu")
            if precision == "fp32":
                ok = False
            report["results"].append(result)
            continue
        report["results"].append(result)
        log(
            f"  vision max|Δ| {result['vision_max_abs_diff']:.2e}  prefill logits max|Δ| {result['prefill_logits_max_abs_diff']:.3e}  "
            f"decode step max|Δ| {result['decode_step_max_abs_diff']:.3e}  chunked prefill max|Δ| {result['chunked_prefill_vs_full']:.1e}"
        )
        log(
            f"  reward P(No): reference {result['p_no_reference']:.5f}  onnx {result['p_no']:.5f}  |Δ| {result['p_no_abs_diff']:.2e}"
            f"  next token agrees: {result['argmax_agrees']}"
        )
        if not result["within_thresholds"]:
            level = "FAILED" if precision == "fp32" else "warning"
            log(f"  {level}: {precision} is outside the expected tolerance {THRESHOLDS[precision]}")
            if precision == "fp32" or not result["finite"]:
                ok = False
    report["passed"] = ok
    (out_dir / "verify_report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    log(f"verify: {'passed' if ok else 'FAILED'}; details in {out_dir / 'verify_report.json'}")
    return ok


# ----------------------------------------------------------------------------------------------
# CLI
# ----------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Convert Cosmos-Reason1-7B (Qwen2.5-VL) into Cosmos Critic's ONNX model folder.",
        epilog="See tools/README.md for hardware needs and how to point Cosmos Critic at the result.",
    )
    parser.add_argument("--model", required=True, help="Hugging Face repo id (nvidia/Cosmos-Reason1-7B) or checkpoint folder")
    parser.add_argument("--out", required=True, help="output folder (must not exist unless --force)")
    parser.add_argument("--precision", default="fp32,fp16,q4", help="comma list of fp32, fp16, q4 (default: all)")
    parser.add_argument("--device", default="cuda", help="torch device for loading, checks and --verify: cuda, cuda:N or cpu")
    parser.add_argument("--opset", type=int, default=17, help="ONNX opset (default 17)")
    parser.add_argument("--verify", metavar="VIDEO", help="after converting, compare PyTorch and ONNX on VIDEO ('random' for noise frames)")
    parser.add_argument("--verify-only", action="store_true", help="only run --verify against an existing --out folder")
    parser.add_argument("--revision", help="Hugging Face revision (branch, tag or commit) to download")
    parser.add_argument("--force", action="store_true", help="replace an existing --out folder")
    parser.add_argument("--q4-lm-head", action="store_true", help="also quantise the LM head in the q4 decoder")
    parser.add_argument("--q4-accuracy-level", type=int, choices=(1, 2, 3, 4), help="MatMulNBits accuracy_level (CPU compute type)")
    parser.add_argument("--keep-temp", action="store_true", help="keep the unfinished work folder after a failure")
    parser.add_argument(
        "--time-rule",
        choices=("float", "truncate"),
        help="M-RoPE time rule to record in cosmos_critic.json (default: from the transformers release that saved the checkpoint)",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    args = parser.parse_args(argv)
    if not 14 <= args.opset <= 20:
        parser.error("--opset must be between 14 and 20 (the TorchScript exporter's range)")
    if args.verify_only and not args.verify:
        parser.error("--verify-only needs --verify VIDEO")
    return args


def check_dependencies(converting: bool, precisions: Sequence[str], verifying: bool) -> None:
    """Fail before any long step when a required package is missing."""
    needed = ["transformers", "packaging"]
    if converting:
        needed += ["onnx", "accelerate"]
    if converting and "q4" in precisions or verifying:
        needed.append("onnxruntime")
    if verifying:
        needed.append("qwen_vl_utils")
    missing = []
    for name in needed:
        try:
            __import__(name)
        except ImportError:
            missing.append(name.replace("_", "-"))
    if missing:
        raise ConversionError(
            f"missing Python packages: {', '.join(missing)}. Install them with "
            "`python -m pip install -r tools/requirements.txt`"
        )


def parse_precisions(text: str) -> list[str]:
    chosen = [p.strip().lower() for p in text.split(",") if p.strip()]
    unknown = [p for p in chosen if p not in PRECISIONS]
    if unknown or not chosen:
        raise ConversionError(f"--precision {text}: choose from {', '.join(PRECISIONS)}")
    return [p for p in PRECISIONS if p in chosen]


def run(args: argparse.Namespace) -> int:
    torch.backends.cuda.matmul.allow_tf32 = False  # exact float32 for the comparisons
    torch.backends.cudnn.allow_tf32 = False
    precisions = parse_precisions(args.precision)
    out_dir = Path(args.out).expanduser().resolve()
    device = parse_device(args.device)
    if args.verify_only:
        if not (out_dir / ONNX_SUBDIR).is_dir():
            raise ConversionError(f"{out_dir}: no converted model here (expected {ONNX_SUBDIR}/)")
    elif out_dir.exists() and not args.force:
        raise ConversionError(f"{out_dir} already exists; choose another --out or pass --force to replace it")
    if not out_dir.parent.is_dir():
        raise ConversionError(f"{out_dir.parent}: no such folder")
    checkpoint = resolve_checkpoint(args.model, args.revision)
    raw_config = read_checkpoint_config(checkpoint)
    check_dependencies(not args.verify_only, precisions, bool(args.verify))
    if not args.verify_only:
        convert(args, precisions, device, checkpoint, raw_config, out_dir)
    if args.verify:
        return 0 if verify(out_dir, checkpoint, raw_config, args.verify, device) else 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except ConversionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except torch.cuda.OutOfMemoryError as exc:
        if args.debug:
            raise
        print(f"error: out of GPU memory ({exc}); try --device cpu", file=sys.stderr)
        return 1
    except MemoryError:
        print("error: out of memory; see tools/README.md for the RAM each step needs", file=sys.stderr)
        return 1
    except OSError as exc:
        if args.debug:
            raise
        if exc.errno == errno.ENOSPC:
            print(f"error: out of disk space ({exc.filename or exc}); free space or choose another --out", file=sys.stderr)
        else:
            print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - one clear line unless --debug
        if args.debug:
            raise
        print(f"error: {type(exc).__name__}: {exc} (run again with --debug for the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
