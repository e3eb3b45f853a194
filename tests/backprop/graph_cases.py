"""Test helper: small forward computations, each recording the node types it names.

Each case takes a generator and returns a scalar whose graph holds those nodes; two shapes
per node type at least, with a non-leading dim, broadcasting and non-default scalars.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def leaf(gen: torch.Generator, *shape: int, dtype=torch.float64) -> torch.Tensor:
    """A leaf tensor of standard normal entries that requires grad."""
    return torch.randn(*shape, generator=gen, dtype=dtype).requires_grad_()


def weigh(out: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """A scalar from `out` whose gradient differs entry by entry (so no formula is lucky)."""
    weights = torch.randn(out.shape, generator=gen, dtype=out.dtype)
    return (out * weights).sum()


def _idx(*values: int) -> torch.Tensor:
    return torch.tensor(values)


class Attention(torch.nn.Module):
    """Plain scaled dot-product attention through F.scaled_dot_product_attention."""

    def forward(self, q, k, v, causal: bool):
        return F.scaled_dot_product_attention(q, k, v, is_causal=causal)


# name -> (node types the graph must contain, a function of a generator giving a tensor)
CASES = {
    "addmm": (("AddmmBackward0",), lambda r: torch.addmm(leaf(r, 5), leaf(r, 3, 4),
                                                         leaf(r, 4, 5))),
    "addmm alpha beta": (("AddmmBackward0",), lambda r: torch.addmm(
        leaf(r, 3, 5), leaf(r, 3, 4), leaf(r, 4, 5), beta=2.0, alpha=3.0)),
    "addmm broadcast bias": (("AddmmBackward0",), lambda r: torch.addmm(
        leaf(r, 1, 2), leaf(r, 6, 3), leaf(r, 3, 2), beta=-0.5, alpha=0.25)),
    "mm": (("MmBackward0",), lambda r: leaf(r, 2, 3) @ leaf(r, 3, 4)),
    "mm first layer": (("MmBackward0",), lambda r: torch.randn(2, 3, generator=r,
                                                             dtype=torch.float64)
                       @ leaf(r, 3, 4)),
    "bmm": (("BmmBackward0",), lambda r: torch.bmm(leaf(r, 2, 3, 4), leaf(r, 2, 4, 5))),
    "mv": (("MvBackward0",), lambda r: leaf(r, 3, 4).mv(leaf(r, 4))),
    "dot": (("DotBackward0",), lambda r: leaf(r, 6).dot(leaf(r, 6))),
    "linear": (("AddmmBackward0", "TBackward0"), lambda r: F.linear(
        leaf(r, 5, 4), leaf(r, 3, 4), leaf(r, 3))),
    "linear 3d": (("ViewBackward0", "TBackward0", "AddmmBackward0"),
                  lambda r: F.linear(leaf(r, 2, 5, 4), leaf(r, 3, 4), leaf(r, 3))),
    "linear no bias": (("MmBackward0", "UnsafeViewBackward0"),
                       lambda r: F.linear(leaf(r, 2, 5, 4), leaf(r, 3, 4))),
    "conv2d": (("ConvolutionBackward0",), lambda r: F.conv2d(
        leaf(r, 2, 3, 7, 7), leaf(r, 4, 3, 3, 3), leaf(r, 4), stride=2, padding=1)),
    "conv2d groups dilation": (("ConvolutionBackward0",), lambda r: F.conv2d(
        leaf(r, 1, 4, 8, 8), leaf(r, 4, 2, 3, 3), None, groups=2, dilation=2)),
    "conv1d": (("ConvolutionBackward0",), lambda r: F.conv1d(
        leaf(r, 2, 3, 9), leaf(r, 5, 3, 3), leaf(r, 5), padding=1)),
    "max pool": (("MaxPool2DWithIndicesBackward0",), lambda r: F.max_pool2d(
        leaf(r, 2, 3, 8, 8), 2)),
    "max pool stride padding": (("MaxPool2DWithIndicesBackward0",), lambda r: F.max_pool2d(
        leaf(r, 1, 2, 7, 7), 3, stride=2, padding=1)),
    "avg pool": (("AvgPool2DBackward0",), lambda r: F.avg_pool2d(leaf(r, 2, 3, 8, 8), 2)),
    "avg pool stride padding": (("AvgPool2DBackward0",), lambda r: F.avg_pool2d(
        leaf(r, 1, 2, 7, 7), 3, stride=2, padding=1)),
    "adaptive avg pool": (("AdaptiveAvgPool2DBackward0",), lambda r: F.adaptive_avg_pool2d(
        leaf(r, 2, 3, 7, 5), (3, 2))),
    "adaptive avg pool to 1": (("MeanBackward1",), lambda r: F.adaptive_avg_pool2d(
        leaf(r, 2, 3, 4, 4), 1)),
    "batch norm": (("NativeBatchNormBackward0",), lambda r: F.batch_norm(
        leaf(r, 4, 3, 5, 5), None, None, leaf(r, 3), leaf(r, 3), training=True, eps=1e-3)),
    "batch norm 1d": (("NativeBatchNormBackward0",), lambda r: F.batch_norm(
        leaf(r, 6, 3), None, None, leaf(r, 3), leaf(r, 3), training=True)),
    "batch norm eval": (("NativeBatchNormBackward0",), lambda r: F.batch_norm(
        leaf(r, 4, 3, 2), torch.zeros(3, dtype=torch.float64),
        torch.ones(3, dtype=torch.float64) * 2, leaf(r, 3), leaf(r, 3), training=False)),
    "layer norm": (("NativeLayerNormBackward0",), lambda r: F.layer_norm(
        leaf(r, 2, 3, 4), (4,), leaf(r, 4), leaf(r, 4))),
    "layer norm two dims eps": (("NativeLayerNormBackward0",), lambda r: F.layer_norm(
        leaf(r, 3, 4, 5), (4, 5), leaf(r, 4, 5), leaf(r, 4, 5), eps=0.1)),
    "group norm": (("NativeGroupNormBackward0",), lambda r: F.group_norm(
        leaf(r, 2, 6, 3, 3), 3, leaf(r, 6), leaf(r, 6))),
    "group norm 1d eps": (("NativeGroupNormBackward0",), lambda r: F.group_norm(
        leaf(r, 3, 4, 5), 2, leaf(r, 4), leaf(r, 4), eps=0.5)),
    "embedding": (("EmbeddingBackward0",), lambda r: F.embedding(_idx(0, 2, 1, 2),
                                                                 leaf(r, 3, 4))),
    "embedding padding 2d": (("EmbeddingBackward0",), lambda r: F.embedding(
        torch.tensor([[0, 4], [4, 1]]), leaf(r, 5, 3), padding_idx=4)),
    "softmax": (("SoftmaxBackward0",), lambda r: leaf(r, 3, 4).softmax(-1)),
    "softmax dim 0": (("SoftmaxBackward0",), lambda r: leaf(r, 3, 4, 2).softmax(0)),
    "log softmax": (("LogSoftmaxBackward0",), lambda r: leaf(r, 3, 4).log_softmax(1)),
    "log softmax dim 0": (("LogSoftmaxBackward0",), lambda r: leaf(r, 3, 4).log_softmax(0)),
    "nll": (("NllLossBackward0",), lambda r: F.nll_loss(leaf(r, 3, 4), _idx(0, 3, 1))),
    "nll sum weight ignore": (("NllLossBackward0",), lambda r: F.nll_loss(
        leaf(r, 4, 3), _idx(0, 2, 1, 2), weight=torch.tensor([1.0, 2.0, 0.5],
                                                               dtype=torch.float64),
        reduction="sum", ignore_index=1)),
    "nll none 1d": (("NllLossBackward0",), lambda r: F.nll_loss(
        leaf(r, 2, 5), _idx(4, 0), reduction="none")),
    "cross entropy": (("LogSoftmaxBackward0", "NllLossBackward0"),
                      lambda r: F.cross_entropy(leaf(r, 3, 5), _idx(0, 4, 2))),
    "cross entropy mean weights": (("LogSoftmaxBackward0", "NllLossBackward0"),
                                   lambda r: F.cross_entropy(
        leaf(r, 4, 3), _idx(0, 2, 1, 2), weight=torch.tensor([0.2, 1.0, 3.0],
                                                               dtype=torch.float64))),
    "bce": (("BinaryCrossEntropyBackward0", "SigmoidBackward0"), lambda r:
            F.binary_cross_entropy(leaf(r, 3, 4).sigmoid(), torch.rand(3, 4, generator=r,
                                                                     dtype=torch.float64))),
    "bce sum weight": (("BinaryCrossEntropyBackward0",), lambda r: F.binary_cross_entropy(
        leaf(r, 5).sigmoid(), torch.rand(5, generator=r, dtype=torch.float64),
        weight=torch.rand(5, generator=r, dtype=torch.float64), reduction="sum")),
    "bce logits": (("BinaryCrossEntropyWithLogitsBackward0",), lambda r:
                   F.binary_cross_entropy_with_logits(leaf(r, 3, 4), torch.rand(
                       3, 4, generator=r, dtype=torch.float64))),
    "bce logits pos weight": (("BinaryCrossEntropyWithLogitsBackward0",), lambda r:
                              F.binary_cross_entropy_with_logits(
        leaf(r, 2, 3), torch.rand(2, 3, generator=r, dtype=torch.float64),
        pos_weight=torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64), reduction="sum")),
    "mse": (("MseLossBackward0",), lambda r: F.mse_loss(leaf(r, 3, 4), leaf(r, 3, 4))),
    "mse none": (("MseLossBackward0",), lambda r: F.mse_loss(leaf(r, 5), leaf(r, 5),
                                                             reduction="none")),
    "l1": (("AbsBackward0", "SubBackward0", "MeanBackward0"),
           lambda r: F.l1_loss(leaf(r, 3, 4), leaf(r, 3, 4))),
    "l1 sum": (("AbsBackward0", "SumBackward0"),
               lambda r: F.l1_loss(leaf(r, 6), leaf(r, 6), reduction="sum")),
    "gelu": (("GeluBackward0",), lambda r: F.gelu(leaf(r, 3, 4))),
    "gelu tanh": (("GeluBackward0",), lambda r: F.gelu(leaf(r, 7), approximate="tanh")),
    "silu": (("SiluBackward0",), lambda r: F.silu(leaf(r, 3, 4))),
    "leaky relu": (("LeakyReluBackward0",), lambda r: F.leaky_relu(leaf(r, 3, 4), 0.2)),
    "leaky relu default": (("LeakyReluBackward0",), lambda r: F.leaky_relu(leaf(r, 9))),
    "elu": (("EluBackward0",), lambda r: F.elu(leaf(r, 3, 4), alpha=0.7)),
    "selu": (("EluBackward0",), lambda r: F.selu(leaf(r, 8))),
    "hardtanh": (("HardtanhBackward0",), lambda r: F.hardtanh(leaf(r, 3, 4), -0.5, 0.5)),
    "relu6": (("HardtanhBackward0",), lambda r: F.relu6(3 * leaf(r, 8))),
    "relu": (("ReluBackward0",), lambda r: leaf(r, 3, 4).relu()),
    "sigmoid": (("SigmoidBackward0",), lambda r: leaf(r, 3, 4).sigmoid()),
    "tanh": (("TanhBackward0",), lambda r: leaf(r, 2, 5).tanh()),
    "exp log": (("ExpBackward0", "LogBackward0"), lambda r: leaf(r, 3, 4).exp().log()),
    "sqrt rsqrt abs": (("SqrtBackward0", "RsqrtBackward0", "AbsBackward0"),
                       lambda r: leaf(r, 3, 4).abs().sqrt() + leaf(r, 4).abs().rsqrt()),
    "clamp": (("ClampBackward1",), lambda r: leaf(r, 3, 4).clamp(-0.5, 0.5)),
    "clamp min": (("ClampBackward1",), lambda r: leaf(r, 7).clamp(min=0.1)),
    "maximum minimum": (("MaximumBackward0", "MinimumBackward0"),
                        lambda r: torch.maximum(leaf(r, 3, 4), leaf(r, 4))
                        + torch.minimum(leaf(r, 3, 1), leaf(r, 3, 4))),
    "maximum ties": (("MaximumBackward0",), lambda r: torch.maximum(
        leaf(r, 4).round(), torch.zeros(4, dtype=torch.float64).requires_grad_())),
    "where": (("WhereBackward0",), lambda r: torch.where(
        torch.arange(12).reshape(3, 4) % 3 == 0, leaf(r, 3, 4), leaf(r, 4))),
    "dropout": (("NativeDropoutBackward0",), lambda r: torch.native_dropout(
        leaf(r, 3, 4), 0.3, True)[0]),
    "mul div": (("MulBackward0", "DivBackward0"), lambda r: leaf(r, 3, 4) * leaf(r, 4)
                / (leaf(r, 3, 1).abs() + 1)),
    "mul div number": (("MulBackward0", "DivBackward0", "AddBackward0", "SubBackward0",
                        "RsubBackward1"),
                       lambda r: 1 - (leaf(r, 3, 4) * 2.5 / 4 + 3 - 1)),
    "rsub tensors": (("RsubBackward0", "RsubBackward1"), lambda r: torch.rsub(
        leaf(r, 3, 4), leaf(r, 4), alpha=2.0) + torch.rsub(leaf(r, 3, 1), 1.0, alpha=3.0)),
    "rsub broadcast": (("RsubBackward0",), lambda r: torch.rsub(leaf(r, 2, 1, 3),
                                                                leaf(r, 4, 1))),
    "round floor ceil sign trunc": (
        ("RoundBackward0", "FloorBackward0", "CeilBackward0", "SignBackward0",
         "TruncBackward0"), lambda r: torch.stack([f(leaf(r, 4) * 3) for f in (
             torch.round, torch.floor, torch.ceil, torch.sign, torch.trunc)])),
    "step functions again": (
        ("RoundBackward0", "FloorBackward0", "CeilBackward0", "SignBackward0",
         "TruncBackward0"), lambda r: sum(f(leaf(r, 2, 2)).sum() for f in (
             torch.round, torch.floor, torch.ceil, torch.sign, torch.trunc)) * leaf(r, 1)),
    "min dim min all amin": (("MinBackward0", "MinBackward1", "AminBackward0"),
                             lambda r: leaf(r, 3, 4).min(1)[0].sum() + leaf(r, 2, 3).min()
                             + leaf(r, 3, 4).amin(0).sum()),
    "min amin keepdim": (("MinBackward0", "MinBackward1", "AminBackward0"),
                         lambda r: leaf(r, 4, 2).min(0, keepdim=True)[0].sum()
                         + leaf(r, 5).min() * 2 + leaf(r, 2, 3, 2).amin((1, 2)).sum()),
    "nll 2d": (("NllLoss2DBackward0",), lambda r: F.nll_loss(
        leaf(r, 2, 3, 2, 2), torch.tensor([[[0, 1], [2, 2]], [[1, 0], [0, 2]]]))),
    "nll 2d sum": (("NllLoss2DBackward0",), lambda r: F.cross_entropy(
        leaf(r, 1, 4, 3, 1), torch.tensor([[[3], [0], [1]]]), reduction="sum")),
    "exp log tanh again": (("ExpBackward0", "LogBackward0", "TanhBackward0", "SiluBackward0",
                            "SqrtBackward0", "RsqrtBackward0", "NegBackward0"),
                           lambda r: -(leaf(r, 5).tanh() + F.silu(leaf(r, 5))
                                       + (leaf(r, 5) ** 2 + 1).log().sqrt()
                                       + leaf(r, 5).exp().rsqrt())),
    "dropout 2": (("NativeDropoutBackward0",), lambda r: torch.native_dropout(
        leaf(r, 10), 0.5, True)[0]),
    "var correction 0": (("VarBackward0",), lambda r: leaf(r, 2, 5).var(0, correction=0)),
    "where broadcast": (("WhereBackward0", "MinimumBackward0"), lambda r: torch.where(
        leaf(r, 4).detach() > 0, leaf(r, 3, 4), torch.minimum(leaf(r, 1), leaf(r, 4)))),
    "dot mv again": (("DotBackward0", "MvBackward0"), lambda r: leaf(r, 2, 3).mv(
        leaf(r, 3)).dot(leaf(r, 2))),
    "div pow again": (("DivBackward0", "PowBackward0", "PowBackward1", "MulBackward0"),
                      lambda r: leaf(r, 3) ** 0.5 / leaf(r, 3, 3) * 2
                      + 2 ** leaf(r, 3) * leaf(r, 3).abs() ** leaf(r, 1)),
    "number to a power": (("PowBackward2",), lambda r: 2 ** leaf(r, 3, 2)),
    "number to a power again": (("PowBackward2",), lambda r: 0.5 ** leaf(r, 4) * leaf(r, 1)),
    "max all again": (("MaxBackward1",), lambda r: leaf(r, 6).round().max()),
    "adaptive 7 to 3": (("AdaptiveAvgPool2DBackward0",), lambda r: F.adaptive_avg_pool2d(
        leaf(r, 1, 2, 7, 7), 3)),
    "squeeze unsqueeze again": (("SqueezeBackward0", "SqueezeBackward1", "SqueezeBackward2",
                                 "UnsqueezeBackward0"),
                                lambda r: leaf(r, 1, 3).squeeze().unsqueeze(-1).squeeze(1)
                                + leaf(r, 1, 3, 1).squeeze((0, 2))),
    "split sizes again": (("SplitWithSizesBackward0",), lambda r: leaf(r, 7).split(
        [4, 3])[1] * 2),
    "reshape alias": (("ReshapeAliasBackward0",), lambda r: torch.ops.aten._reshape_alias(
        leaf(r, 3, 4), (4, 3), (3, 1))),
    "reshape alias 3d": (("ReshapeAliasBackward0",), lambda r: torch.ops.aten._reshape_alias(
        leaf(r, 2, 6), (2, 3, 2), (6, 2, 1))),
    "add sub alpha": (("AddBackward0", "SubBackward0", "NegBackward0"), lambda r: -torch.sub(
        torch.add(leaf(r, 3, 4), leaf(r, 4), alpha=2.0), leaf(r, 3, 1), alpha=0.5)),
    "pow": (("PowBackward0", "PowBackward1"), lambda r: leaf(r, 3, 4) ** 3
            + leaf(r, 4).abs() ** leaf(r, 3, 4)),
    "cat": (("CatBackward0",), lambda r: torch.cat([leaf(r, 2, 4), leaf(r, 3, 4)], 0)),
    "cat dim 1 three": (("CatBackward0",), lambda r: torch.cat(
        [leaf(r, 2, 1), leaf(r, 2, 3), leaf(r, 2, 2)], -1)),
    "stack": (("StackBackward0",), lambda r: torch.stack([leaf(r, 3, 4), leaf(r, 3, 4)], 1)),
    "stack dim 0": (("StackBackward0",), lambda r: torch.stack([leaf(r, 5), leaf(r, 5),
                                                                leaf(r, 5)])),
    "split": (("SplitBackward0",), lambda r: leaf(r, 3, 5).split(2, 1)[1] * 3),
    "chunk unused": (("SplitBackward0",), lambda r: leaf(r, 6, 2).chunk(3, 0)[0]),
    "split sizes": (("SplitWithSizesBackward0",), lambda r: sum(
        p.sum() * i for i, p in enumerate(leaf(r, 2, 6).split([1, 3, 2], 1)))),
    "unbind": (("UnbindBackward0",), lambda r: leaf(r, 3, 4).unbind(1)[2]),
    "unbind all": (("UnbindBackward0",), lambda r: sum(
        t * (i + 1) for i, t in enumerate(leaf(r, 3, 2).unbind(0)))),
    "slice": (("SliceBackward0",), lambda r: leaf(r, 3, 6)[:, 1:5:2]),
    "slice open end": (("SliceBackward0",), lambda r: leaf(r, 5, 2)[2:]),
    "select": (("SelectBackward0",), lambda r: leaf(r, 3, 4)[1]),
    "select dim 1": (("SelectBackward0",), lambda r: leaf(r, 3, 4, 2)[:, -1]),
    "index": (("IndexBackward0",), lambda r: leaf(r, 4, 3)[_idx(0, 2, 2)]),
    "index 2 dims": (("IndexBackward0",), lambda r: leaf(r, 4, 3)[_idx(0, 3), _idx(2, 2)]),
    "index put": (("IndexPutBackward0",), lambda r: leaf(r, 4, 3).index_put(
        (_idx(0, 2),), leaf(r, 3))),
    "index put accumulate": (("IndexPutBackward0",), lambda r: leaf(r, 5).index_put(
        (_idx(1, 1, 3),), leaf(r, 3), accumulate=True)),
    "gather": (("GatherBackward0",), lambda r: leaf(r, 3, 4).gather(
        1, torch.tensor([[0, 0], [2, 1], [3, 3]]))),
    "gather dim 0": (("GatherBackward0",), lambda r: leaf(r, 3, 2).gather(
        0, torch.tensor([[2, 0]]))),
    "permute": (("PermuteBackward0",), lambda r: leaf(r, 2, 3, 4).permute(2, 0, 1)),
    "permute negative": (("PermuteBackward0",), lambda r: leaf(r, 2, 3).permute(-1, 0)),
    "transpose": (("TransposeBackward0",), lambda r: leaf(r, 2, 3, 4).transpose(0, 2)),
    "transpose negative": (("TransposeBackward0",), lambda r: leaf(r, 2, 3, 4).transpose(-1,
                                                                                      1)),
    "t": (("TBackward0",), lambda r: leaf(r, 3, 4).t()),
    "view reshape": (("ViewBackward0",), lambda r: leaf(r, 3, 4).view(2, 6)),
    "reshape copy": (("CloneBackward0", "UnsafeViewBackward0", "TransposeBackward0"),
                     lambda r: leaf(r, 2, 3, 4).transpose(0, 1).reshape(3, 8)),
    "unsqueeze squeeze": (("UnsqueezeBackward0", "SqueezeBackward1"),
                          lambda r: leaf(r, 3, 4).unsqueeze(1).squeeze(1) * 2),
    "squeeze all": (("SqueezeBackward0",), lambda r: leaf(r, 1, 4, 1).squeeze()),
    "squeeze dims": (("SqueezeBackward2",), lambda r: leaf(r, 1, 4, 1).squeeze((0, 2))),
    "expand": (("ExpandBackward0",), lambda r: leaf(r, 4).expand(3, 4)),
    "expand middle": (("ExpandBackward0",), lambda r: leaf(r, 2, 1, 3).expand(2, 5, 3)),
    "repeat": (("RepeatBackward0",), lambda r: leaf(r, 3, 4).repeat(2, 1, 3)),
    "repeat same rank": (("RepeatBackward0",), lambda r: leaf(r, 2, 3).repeat(1, 2)),
    "clone": (("CloneBackward0",), lambda r: leaf(r, 3, 4).clone()),
    "to copy": (("ToCopyBackward0",), lambda r: leaf(r, 3, 4).float()),
    "to copy back": (("ToCopyBackward0",), lambda r: leaf(r, 5, dtype=torch.float32).double()),
    "sum": (("SumBackward0",), lambda r: leaf(r, 3, 4).sum() * leaf(r, 2)),
    "sum dim": (("SumBackward1",), lambda r: leaf(r, 8, 2).sum(dim=1)),
    "sum square dim": (("SumBackward1",), lambda r: leaf(r, 3, 3).sum(dim=1)),
    "sum dims keepdim": (("SumBackward1",), lambda r: leaf(r, 2, 3, 4).sum((0, 2),
                                                                             keepdim=True)),
    "mean": (("MeanBackward0",), lambda r: leaf(r, 3, 4).mean() * leaf(r, 2)),
    "mean dim": (("MeanBackward1",), lambda r: leaf(r, 3, 3).mean(dim=-1)),
    "mean dims": (("MeanBackward1",), lambda r: leaf(r, 2, 3, 4).mean((0, 2))),
    "max dim": (("MaxBackward0",), lambda r: leaf(r, 3, 4).max(1).values),
    "max dim keepdim": (("MaxBackward0",), lambda r: leaf(r, 3, 4).max(0, keepdim=True)[0]),
    "max all": (("MaxBackward1",), lambda r: leaf(r, 3, 4).max() * leaf(r, 2)),
    "amax": (("AmaxBackward0",), lambda r: leaf(r, 3, 4).amax(1)),
    "amax dims ties": (("AmaxBackward0",), lambda r: leaf(r, 2, 3, 4).round().amax((0, 2))),
    "cumsum": (("CumsumBackward0",), lambda r: leaf(r, 3, 4).cumsum(1)),
    "cumsum dim 0": (("CumsumBackward0",), lambda r: leaf(r, 5).cumsum(0)),
    "vector norm": (("LinalgVectorNormBackward0",), lambda r: torch.linalg.vector_norm(
        leaf(r, 3, 4), dim=1)),
    "vector norm ord 3 all": (("LinalgVectorNormBackward0",),
                              lambda r: torch.linalg.vector_norm(leaf(r, 3, 4), 3) * leaf(r, 2)),
    "var": (("VarBackward0",), lambda r: leaf(r, 3, 4).var(1)),
    "attention": (("BmmBackward0", "SafeSoftmaxBackward0", "TransposeBackward0",
                   "MulBackward1"), lambda r: Attention()(
        leaf(r, 2, 3, 4), leaf(r, 2, 5, 4), leaf(r, 2, 5, 4), False)),
    "attention causal": (("BmmBackward0", "SafeSoftmaxBackward0", "AddBackward0"),
                         lambda r: Attention()(leaf(r, 2, 4, 4), leaf(r, 2, 4, 4),
                                               leaf(r, 2, 4, 4), True)),
    "fused attention causal": (("ScaledDotProductFlashAttentionForCpuBackward0",),
                               lambda r: Attention()(*(leaf(r, 2, 4, 5, 8, dtype=torch.float32)
                                                       for _ in range(3)), True)),
    "fused attention cross scale": (("ScaledDotProductFlashAttentionForCpuBackward0",),
                                    lambda r: torch.nn.functional.scaled_dot_product_attention(
        leaf(r, 1, 2, 3, 4, dtype=torch.float32), leaf(r, 1, 2, 6, 4, dtype=torch.float32),
        leaf(r, 1, 2, 6, 4, dtype=torch.float32), scale=0.3)),
    "float32 mlp": (("AddmmBackward0", "ReluBackward0", "TBackward0"),
                    lambda r: F.linear(F.linear(leaf(r, 4, 3, dtype=torch.float32),
                                                leaf(r, 5, 3, dtype=torch.float32),
                                                leaf(r, 5, dtype=torch.float32)).relu(),
                                       leaf(r, 2, 5, dtype=torch.float32))),
}
