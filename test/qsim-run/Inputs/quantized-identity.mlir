// A model for the output tests: a dynamic-size quantized vector, returned
// through qsim.relu (which leaves these values unchanged: all are above the
// zero point).

!u8 = !quant.uniform<u8:f32, 0.5:10>

func.func @id(%a: tensor<?x!u8>) -> tensor<?x!u8> {
  %r = qsim.relu %a : tensor<?x!u8>
  return %r : tensor<?x!u8>
}
