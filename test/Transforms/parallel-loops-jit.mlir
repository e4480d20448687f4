// REQUIRES: qsim-jit
// RUN: qsim-opt %s --qsim-parallel-loops --convert-linalg-to-loops \
// RUN:   --convert-scf-to-cf --convert-vector-to-llvm --expand-strided-metadata --lower-affine --finalize-memref-to-llvm \
// RUN:   --convert-to-llvm --reconcile-unrealized-casts | %qsim_runner | FileCheck %s

// Runs the byte transposes of qsim-parallel-loops and compares them with
// the same ops unmarked, which convert-linalg-to-loops lowers byte by byte,
// and with values worked out by hand. The sizes leave rows and columns over
// after the 16 x 16 blocks, which blocks that overlap the last full ones
// copy: in[n, c, h, w] = c + 2 w + 5 h + 64 n, with C = 20, H = 3, W = 18.

// NCHW -> NHWC: no byte differs from the plain loops, and
// out[0, 1, 15, 15] = 15 + 30 + 5 = 50 (in a block),
// out[0, 1, 3, 18] = 18 + 6 + 5 = 29 (a column left over),
// out[1, 2, 17, 19] = 19 + 34 + 10 + 64 = 127 (a row left over).
// CHECK: 0
// CHECK-NEXT: 50
// CHECK-NEXT: 29
// CHECK-NEXT: 127
// With the sign flipped: no difference; 50 xor 0x80 = 178, the i8 -78.
// CHECK-NEXT: 0
// CHECK-NEXT: -78
// NHWC -> NCHW (linalg.transpose) brings the input back unchanged.
// CHECK-NEXT: 0
// Rows shorter than a block: no difference either.
// CHECK-NEXT: 0

#nchw = affine_map<(n, h, w, c) -> (n, c, h, w)>
#id = affine_map<(n, h, w, c) -> (n, h, w, c)>

func.func @count_differences(%a: memref<?x?x?x?xi8>, %b: memref<?x?x?x?xi8>) -> i32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %d0 = memref.dim %a, %c0 : memref<?x?x?x?xi8>
  %d1 = memref.dim %a, %c1 : memref<?x?x?x?xi8>
  %d2 = memref.dim %a, %c2 : memref<?x?x?x?xi8>
  %d3 = memref.dim %a, %c3 : memref<?x?x?x?xi8>
  %zero = arith.constant 0 : i32
  %r0 = scf.for %i = %c0 to %d0 step %c1 iter_args(%s0 = %zero) -> i32 {
    %r1 = scf.for %j = %c0 to %d1 step %c1 iter_args(%s1 = %s0) -> i32 {
      %r2 = scf.for %k = %c0 to %d2 step %c1 iter_args(%s2 = %s1) -> i32 {
        %r3 = scf.for %l = %c0 to %d3 step %c1 iter_args(%s3 = %s2) -> i32 {
          %x = memref.load %a[%i, %j, %k, %l] : memref<?x?x?x?xi8>
          %y = memref.load %b[%i, %j, %k, %l] : memref<?x?x?x?xi8>
          %ne = arith.cmpi ne, %x, %y : i8
          %one = arith.extui %ne : i1 to i32
          %s = arith.addi %s3, %one : i32
          scf.yield %s : i32
        }
        scf.yield %r3 : i32
      }
      scf.yield %r2 : i32
    }
    scf.yield %r1 : i32
  }
  return %r0 : i32
}

func.func @print_byte(%m: memref<2x3x18x20xi8>, %n: index, %h: index,
                      %w: index, %c: index) {
  %x = memref.load %m[%n, %h, %w, %c] : memref<2x3x18x20xi8>
  %y = arith.extsi %x : i8 to i32
  vector.print %y : i32
  return
}

func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c15 = arith.constant 15 : index
  %c17 = arith.constant 17 : index
  %c18 = arith.constant 18 : index
  %c19 = arith.constant 19 : index
  %in = memref.alloc() : memref<2x20x3x18xi8>
  linalg.generic {indexing_maps = [#id],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      outs(%in : memref<2x20x3x18xi8>) {
  ^bb0(%o: i8):
    %n = linalg.index 0 : index
    %c = linalg.index 1 : index
    %h = linalg.index 2 : index
    %w = linalg.index 3 : index
    %c64 = arith.constant 64 : index
    %c5 = arith.constant 5 : index
    %n64 = arith.muli %n, %c64 : index
    %w2 = arith.muli %w, %c2 : index
    %h5 = arith.muli %h, %c5 : index
    %s0 = arith.addi %n64, %c : index
    %s1 = arith.addi %s0, %w2 : index
    %s2 = arith.addi %s1, %h5 : index
    %i = arith.index_cast %s2 : index to i32
    %b = arith.trunci %i : i32 to i8
    linalg.yield %b : i8
  }

  %fast = memref.alloc() : memref<2x3x18x20xi8>
  %plain = memref.alloc() : memref<2x3x18x20xi8>
  linalg.generic {indexing_maps = [#nchw, #id],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%in : memref<2x20x3x18xi8>) outs(%fast : memref<2x3x18x20xi8>)
      attrs = {qsim.parallel} {
  ^bb0(%a: i8, %b: i8):
    linalg.yield %a : i8
  }
  linalg.generic {indexing_maps = [#nchw, #id],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%in : memref<2x20x3x18xi8>) outs(%plain : memref<2x3x18x20xi8>) {
  ^bb0(%a: i8, %b: i8):
    linalg.yield %a : i8
  }
  %fastD = memref.cast %fast : memref<2x3x18x20xi8> to memref<?x?x?x?xi8>
  %plainD = memref.cast %plain : memref<2x3x18x20xi8> to memref<?x?x?x?xi8>
  %d = func.call @count_differences(%fastD, %plainD)
      : (memref<?x?x?x?xi8>, memref<?x?x?x?xi8>) -> i32
  vector.print %d : i32
  func.call @print_byte(%fast, %c0, %c1, %c15, %c15)
      : (memref<2x3x18x20xi8>, index, index, index, index) -> ()
  func.call @print_byte(%fast, %c0, %c1, %c3, %c18)
      : (memref<2x3x18x20xi8>, index, index, index, index) -> ()
  func.call @print_byte(%fast, %c1, %c2, %c17, %c19)
      : (memref<2x3x18x20xi8>, index, index, index, index) -> ()

  %fastFlip = memref.alloc() : memref<2x3x18x20xi8>
  %plainFlip = memref.alloc() : memref<2x3x18x20xi8>
  linalg.generic {indexing_maps = [#nchw, #id],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%in : memref<2x20x3x18xi8>) outs(%fastFlip : memref<2x3x18x20xi8>)
      attrs = {qsim.parallel} {
  ^bb0(%a: i8, %b: i8):
    %m = arith.constant -128 : i8
    %f = arith.xori %a, %m : i8
    linalg.yield %f : i8
  }
  linalg.generic {indexing_maps = [#nchw, #id],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%in : memref<2x20x3x18xi8>) outs(%plainFlip : memref<2x3x18x20xi8>) {
  ^bb0(%a: i8, %b: i8):
    %m = arith.constant -128 : i8
    %f = arith.xori %a, %m : i8
    linalg.yield %f : i8
  }
  %fastFlipD = memref.cast %fastFlip : memref<2x3x18x20xi8> to memref<?x?x?x?xi8>
  %plainFlipD = memref.cast %plainFlip : memref<2x3x18x20xi8> to memref<?x?x?x?xi8>
  %df = func.call @count_differences(%fastFlipD, %plainFlipD)
      : (memref<?x?x?x?xi8>, memref<?x?x?x?xi8>) -> i32
  vector.print %df : i32
  func.call @print_byte(%fastFlip, %c0, %c1, %c15, %c15)
      : (memref<2x3x18x20xi8>, index, index, index, index) -> ()

  %back = memref.alloc() : memref<2x20x3x18xi8>
  linalg.transpose ins(%fast : memref<2x3x18x20xi8>)
      outs(%back : memref<2x20x3x18xi8>) permutation = [0, 3, 1, 2]
      {qsim.parallel}
  %inD = memref.cast %in : memref<2x20x3x18xi8> to memref<?x?x?x?xi8>
  %backD = memref.cast %back : memref<2x20x3x18xi8> to memref<?x?x?x?xi8>
  %db = func.call @count_differences(%backD, %inD)
      : (memref<?x?x?x?xi8>, memref<?x?x?x?xi8>) -> i32
  vector.print %db : i32

  // Rows shorter than a block (W = 5, a strided view of the input) are
  // copied byte by byte.
  %short = memref.subview %in[0, 0, 0, 0] [2, 20, 3, 5] [1, 1, 1, 1]
      : memref<2x20x3x18xi8> to memref<2x20x3x5xi8, strided<[1080, 54, 18, 1]>>
  %fastShort = memref.alloc() : memref<2x3x5x20xi8>
  %plainShort = memref.alloc() : memref<2x3x5x20xi8>
  linalg.generic {indexing_maps = [#nchw, #id],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%short : memref<2x20x3x5xi8, strided<[1080, 54, 18, 1]>>)
      outs(%fastShort : memref<2x3x5x20xi8>) attrs = {qsim.parallel} {
  ^bb0(%a: i8, %b: i8):
    linalg.yield %a : i8
  }
  linalg.generic {indexing_maps = [#nchw, #id],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%short : memref<2x20x3x5xi8, strided<[1080, 54, 18, 1]>>)
      outs(%plainShort : memref<2x3x5x20xi8>) {
  ^bb0(%a: i8, %b: i8):
    linalg.yield %a : i8
  }
  %fastShortD = memref.cast %fastShort : memref<2x3x5x20xi8> to memref<?x?x?x?xi8>
  %plainShortD = memref.cast %plainShort : memref<2x3x5x20xi8> to memref<?x?x?x?xi8>
  %ds = func.call @count_differences(%fastShortD, %plainShortD)
      : (memref<?x?x?x?xi8>, memref<?x?x?x?xi8>) -> i32
  vector.print %ds : i32

  memref.dealloc %fastShort : memref<2x3x5x20xi8>
  memref.dealloc %plainShort : memref<2x3x5x20xi8>
  memref.dealloc %in : memref<2x20x3x18xi8>
  memref.dealloc %fast : memref<2x3x18x20xi8>
  memref.dealloc %plain : memref<2x3x18x20xi8>
  memref.dealloc %fastFlip : memref<2x3x18x20xi8>
  memref.dealloc %plainFlip : memref<2x3x18x20xi8>
  memref.dealloc %back : memref<2x20x3x18xi8>
  return
}
