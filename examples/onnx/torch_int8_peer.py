#!/usr/bin/env python3
"""PyTorch's own INT8 post-training quantization of export_torchvision.py's nets.

An independent peer for qsim's INT8 result on the same networks: it rebuilds
the seeded model export_torchvision.py exported (the same function, so the
same weights; its float logits must equal DIR/torch_out.npy), quantizes it
with PyTorch's static post-training quantization in FX graph mode
(torch.ao.quantization.quantize_fx.prepare_fx / convert_fx) in the scheme
closest to qsim's:

  weights      qint8, per output channel, symmetric, scale max|w| / 127
               (PerChannelMinMaxObserver, quant range [-127, 127])
  activations  quint8, per tensor, affine, MinMax range over all calibration
               images (MinMaxObserver, reduce_range=False)
  BatchNorm    folded into the conv (the eval-mode export folds it too)
  Conv+ReLU    fused: one observer after the ReLU
  residual Add quantized (its own observed output range)

ReLU6 has no fusion pattern with Conv in torch 1.13's FX backend
configuration: a ReLU6 after a conv shares the conv's observer, so its range
would be the conv's pre-activation range, negative half included, where
qsim fuses Conv+ReLU6 and observes after the clamp. So each ReLU6 is
rewritten as ReLU followed by ReLU6 (the same function): Conv+ReLU fuse, and
the fused conv's output observer records min(x, 6), so its quantized range is
[0, min(max, 6)] and the integer output saturates where the ReLU6 clamps,
as in qsim (--relu6-range relu observes the ReLU's output instead: a wider
range wherever a calibration activation exceeds 6; --verbose counts those).

Backend: this torch has no fbgemm (whose kernels are why its default
configuration reduces the range); it has onednn (the default here: x86,
per-channel weights, full 8-bit activations, exact on this CPU's VNNI) and
qnnpack (per-channel weights, 32-bit accumulation). torch 1.13's QNNPACK
clamp, which a quantized ReLU6 calls, returns scrambled values for a
channels-last input, the layout QNNPACK's convs produce, so with
--backend qnnpack each ReLU6's input is first made contiguous (NCHW).

Calibrates on DIR/calib.npy, runs DIR/test_x.npy, writes
DIR/torch_int8_out.npy and prints the SQNR of the INT8 logits against the
float logits (DIR/torch_out.npy) and the top-1 agreement:

    torch_int8_peer.py --net mobilenet_v2 --out DIR [--backend onednn|qnnpack]
        [--relu6-range clamped|relu] [--verbose]
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_torchvision  # noqa: E402  (the one model builder)


def contiguous_module(torch):
    class Contiguous(torch.nn.Module):
        def forward(self, x):
            return x.contiguous()
    return Contiguous()


def sqnr_db(out, ref):
    out, ref = out.astype(np.float64), ref.astype(np.float64)
    noise = float(np.sum((out - ref) ** 2))
    if noise == 0.0:
        return float("inf")
    return 10.0 * np.log10(float(np.sum(ref ** 2)) / noise)


def split_relu6(torch, model, contiguous):
    """Rewrites every nn.ReLU6 as nn.Sequential(ReLU, ReLU6); returns the count.

    With `contiguous`, the ReLU6's input is first made contiguous (NCHW),
    for QNNPACK's clamp (ReLU6 of a [2, 4, 3, 5] channels-last quint8 tensor
    of values in [-12, 12] is off by up to 6.0 under qnnpack, exact under
    onednn).
    """
    count = 0
    for name, child in list(model.named_children()):
        if isinstance(child, torch.nn.ReLU6):
            parts = [torch.nn.ReLU()] + ([contiguous_module(torch)] if contiguous else []) + [torch.nn.ReLU6()]
            setattr(model, name, torch.nn.Sequential(*parts).eval())
            count += 1
        else:
            count += split_relu6(torch, child, contiguous)
    return count


def report_relu6_ranges(torch, model, calib):
    """Prints how many split ReLU6 have an input above 6 in calibration:
    there --relu6-range relu observes a wider range than the clamp's."""
    maxima = []

    def hook(_module, _inputs, output):
        maxima.append(float(output.max()))

    relus = [m[0] for m in model.modules()
             if isinstance(m, torch.nn.Sequential) and isinstance(m[-1], torch.nn.ReLU6)]
    handles = [r.register_forward_hook(hook) for r in relus]
    with torch.no_grad():
        model(torch.from_numpy(calib))
    for h in handles:
        h.remove()
    above = [m for m in maxima if m > 6.0]
    print(f"torch-int8: {len(relus)} ReLU6 split into ReLU, ReLU6; "
          f"{len(above)} of their inputs exceed 6 in calibration"
          + (f" (largest {max(above):.3g})" if above else ""))


def relu6_convs(torch, model):
    """The names of the convs whose activation is a ReLU6 (torchvision's
    Conv2dNormActivation: conv "0", BatchNorm "1", ReLU6 "2")."""
    return [name + ".0" for name, m in model.named_modules()
            if isinstance(m, torch.nn.Sequential) and len(m) == 3
            and isinstance(m[0], torch.nn.Conv2d) and isinstance(m[2], torch.nn.ReLU6)]


def clamped_minmax_observer(torch, limit):
    """A MinMaxObserver of min(x, limit): the range of a ReLU6's output
    observed on the ReLU's output."""
    from torch.ao.quantization import MinMaxObserver

    class ClampedMinMaxObserver(MinMaxObserver):
        def forward(self, x_orig):
            super().forward(torch.clamp(x_orig.detach(), max=limit))
            return x_orig
    return ClampedMinMaxObserver


def qconfig(torch, activation_observer=None):
    from torch.ao.quantization import MinMaxObserver, PerChannelMinMaxObserver, QConfig
    return QConfig(
        activation=(activation_observer or MinMaxObserver).with_args(
            dtype=torch.quint8, qscheme=torch.per_tensor_affine, reduce_range=False),
        weight=PerChannelMinMaxObserver.with_args(
            dtype=torch.qint8, qscheme=torch.per_channel_symmetric,
            quant_min=-127, quant_max=127, ch_axis=0))


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--net", required=True, choices=export_torchvision.NETS)
    parser.add_argument("--out", required=True,
                        help="export_torchvision.py's output directory")
    parser.add_argument("--backend", default="onednn", choices=("onednn", "qnnpack"))
    parser.add_argument("--relu6-range", default="clamped", choices=("clamped", "relu"),
                        help="the range of a Conv+ReLU6's output: the ReLU6's (clamped at 6, "
                        "as qsim's fused Conv+ReLU6; default) or the ReLU's")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()

    import torch
    import torchvision
    from torch.ao.quantization import QConfigMapping
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx

    calib = np.load(os.path.join(args.out, "calib.npy"))
    test_x = np.load(os.path.join(args.out, "test_x.npy"))
    torch_out = np.load(os.path.join(args.out, "torch_out.npy"))
    size, num_classes = calib.shape[-1], torch_out.shape[1]

    model, _ = export_torchvision.seeded_model(torch, torchvision, args.net, num_classes, size)
    with torch.no_grad():
        float_out = model(torch.from_numpy(test_x)).numpy()
    drift = float(np.max(np.abs(float_out - torch_out)))
    if drift > 1e-5:
        print(f"torch-int8: the rebuilt float model differs from torch_out.npy by {drift:g}")
        return 1

    if args.backend not in torch.backends.quantized.supported_engines:
        print(f"torch-int8: backend {args.backend} is not in this torch "
              f"({torch.backends.quantized.supported_engines})")
        return 1
    torch.backends.quantized.engine = args.backend

    clamped = relu6_convs(torch, model) if args.relu6_range == "clamped" else []
    split_relu6(torch, model, contiguous=args.backend == "qnnpack")
    if args.verbose:
        report_relu6_ranges(torch, model, calib)
    mapping = QConfigMapping().set_global(qconfig(torch))
    relu6_qconfig = qconfig(torch, clamped_minmax_observer(torch, 6.0))
    for name in clamped:  # the fused Conv+ReLU keeps the conv's name
        mapping.set_module_name(name, relu6_qconfig)
    example = (torch.from_numpy(calib[:1]),)
    prepared = prepare_fx(model, mapping, example_inputs=example)

    with torch.no_grad():
        prepared(torch.from_numpy(calib))  # one batch: MinMax over all images

    quantized = convert_fx(prepared)
    with torch.no_grad():
        int8_out = quantized(torch.from_numpy(test_x)).numpy().astype(np.float32)
    np.save(os.path.join(args.out, "torch_int8_out.npy"), int8_out)

    agree = int(np.sum(np.argmax(int8_out, 1) == np.argmax(torch_out, 1)))
    n = len(torch_out)
    print(f"torch-int8 {args.net} ({args.backend}, FX graph mode, per-channel symmetric "
          f"weights, per-tensor affine quint8 activations, ReLU6 range {args.relu6_range}, "
          f"{len(calib)} calibration images): "
          f"SQNR {sqnr_db(int8_out, torch_out):.2f} dB, "
          f"top-1 agreement {100.0 * agree / n:.2f}% ({agree}/{n})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
