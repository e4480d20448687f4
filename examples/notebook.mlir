// The three examples of the PTQ notebook qsim grew from, in qsim ops.
//
// 1. Affine quantization of [-1.2, -0.1, 0.0, 0.3, 1.0] with the parameters
//    of its range as uint8: s = (1.0 - float32(-1.2)) / 255, z = 139.
// 2. Requantization of INT32 accumulators with s_x = 0.05, s_w = 0.02,
//    s_y = 0.03, z_y = 10 to uint8.
// 3. A 1x1 convolution, x_q = 120 (z_x = 128), w_q = 5, its requantization
//    with s_x = 0.02, s_w = 0.05, s_y = 0.04, z_y = 10, and the same with a
//    ReLU, which qsim-fuse-activations folds into the requantize clamp.

!u8 = !quant.uniform<u8:f32, 0.008627451167387121:139>
!acc = !quant.uniform<i32:f32, 0.001>
!y = !quant.uniform<u8:f32, 0.03:10>
!cx = !quant.uniform<u8:f32, 0.02:128>
!cw = !quant.uniform<i8:f32, 0.05>
!cy = !quant.uniform<u8:f32, 0.04:10>

func.func private @printMemrefI32(tensor<*xi32>)
func.func private @printMemrefF32(tensor<*xf32>)

// Prints a 1-D i32 tensor. Casting to an unranked tensor inside a function
// of its own lets bufferization copy the argument when the caller still
// needs it.
func.func @print_i32(%t: tensor<?xi32>) {
  %u = tensor.cast %t : tensor<?xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}

// Prints a 1-D tensor of u8 storage values.
func.func @print_u8(%t: tensor<?xi8>) {
  %w = arith.extui %t : tensor<?xi8> to tensor<?xi32>
  call @print_i32(%w) : (tensor<?xi32>) -> ()
  return
}

func.func @affine() {
  vector.print str "1) quantize [-1.2, -0.1, 0.0, 0.3, 1.0] to u8 (s = 2.2/255, z = 139)\n"
  %x = arith.constant dense<[-1.2, -0.1, 0.0, 0.3, 1.0]> : tensor<5xf32>
  %q = qsim.quantize %x : tensor<5xf32> -> tensor<5x!u8>
  %qs = quant.scast %q : tensor<5x!u8> to tensor<5xi8>
  %qd = tensor.cast %qs : tensor<5xi8> to tensor<?xi8>
  vector.print str "x_q:\n"
  call @print_u8(%qd) : (tensor<?xi8>) -> ()
  %r = qsim.dequantize %q : tensor<5x!u8> -> tensor<5xf32>
  %rp = tensor.cast %r : tensor<5xf32> to tensor<*xf32>
  vector.print str "dequantized:\n"
  call @printMemrefF32(%rp) : (tensor<*xf32>) -> ()
  return
}

func.func @requantize() {
  vector.print str "2) requantize [-1000, -10, 0, 15, 1000] (s_acc = 0.05 * 0.02, s_y = 0.03, z_y = 10)\n"
  %raw = arith.constant dense<[-1000, -10, 0, 15, 1000]> : tensor<5xi32>
  %acc = quant.scast %raw : tensor<5xi32> to tensor<5x!acc>
  %y = qsim.requantize %acc : tensor<5x!acc> -> tensor<5x!y>
  %ys = quant.scast %y : tensor<5x!y> to tensor<5xi8>
  %yd = tensor.cast %ys : tensor<5xi8> to tensor<?xi8>
  vector.print str "y_q:\n"
  call @print_u8(%yd) : (tensor<?xi8>) -> ()
  return
}

func.func @conv_relu() {
  vector.print str "3) 1x1 conv of x_q = 120 (z_x = 128) with w_q = 5, then requantize, with and without ReLU\n"
  %xr = arith.constant dense<120> : tensor<1x1x1x1xi8>
  %wr = arith.constant dense<5> : tensor<1x1x1x1xi8>
  %b = arith.constant dense<0> : tensor<1xi32>
  %x = quant.scast %xr : tensor<1x1x1x1xi8> to tensor<1x1x1x1x!cx>
  %w = quant.scast %wr : tensor<1x1x1x1xi8> to tensor<1x1x1x1x!cw>
  %acc = qsim.conv2d %x, %w, %b : (tensor<1x1x1x1x!cx>, tensor<1x1x1x1x!cw>, tensor<1xi32>) -> tensor<1x1x1x1x!acc>
  %accs = quant.scast %acc : tensor<1x1x1x1x!acc> to tensor<1x1x1x1xi32>
  %accf = tensor.collapse_shape %accs [[0, 1, 2, 3]] : tensor<1x1x1x1xi32> into tensor<1xi32>
  %accd = tensor.cast %accf : tensor<1xi32> to tensor<?xi32>
  vector.print str "acc:\n"
  call @print_i32(%accd) : (tensor<?xi32>) -> ()

  %y = qsim.requantize %acc : tensor<1x1x1x1x!acc> -> tensor<1x1x1x1x!cy>
  %ys = quant.scast %y : tensor<1x1x1x1x!cy> to tensor<1x1x1x1xi8>
  %yf = tensor.collapse_shape %ys [[0, 1, 2, 3]] : tensor<1x1x1x1xi8> into tensor<1xi8>
  %yd = tensor.cast %yf : tensor<1xi8> to tensor<?xi8>
  vector.print str "y_q before ReLU:\n"
  call @print_u8(%yd) : (tensor<?xi8>) -> ()

  %y2 = qsim.requantize %acc : tensor<1x1x1x1x!acc> -> tensor<1x1x1x1x!cy>
  %r = qsim.relu %y2 : tensor<1x1x1x1x!cy>
  %rs = quant.scast %r : tensor<1x1x1x1x!cy> to tensor<1x1x1x1xi8>
  %rf = tensor.collapse_shape %rs [[0, 1, 2, 3]] : tensor<1x1x1x1xi8> into tensor<1xi8>
  %rd = tensor.cast %rf : tensor<1xi8> to tensor<?xi8>
  vector.print str "y_q after ReLU:\n"
  call @print_u8(%rd) : (tensor<?xi8>) -> ()
  return
}

func.func @main() {
  call @affine() : () -> ()
  call @requantize() : () -> ()
  call @conv_relu() : () -> ()
  return
}
