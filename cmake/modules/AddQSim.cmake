# CMake functions of qsim's own build.
#
# add_mlir_library installs only the archive and puts it into MLIR's export
# set, which no qsim install ever writes out. add_qsim_library builds the same
# library with installation turned off and installs it into qsim's export set
# instead, so that find_package(QSim) imports it as QSim::<name>. Every qsim
# library goes through it; the top-level CMakeLists.txt checks that none is
# left out.

include_guard(GLOBAL)

set(QSIM_INSTALL_PACKAGE_DIR "lib${LLVM_LIBDIR_SUFFIX}/cmake/qsim")

# add_qsim_library(<name> <add_mlir_library arguments>...)
function(add_qsim_library name)
  add_mlir_library(${name} DISABLE_INSTALL ${ARGN})
  # Consumers of the installed package find the headers below include/;
  # the build tree uses the source and generated header trees.
  target_include_directories(${name} INTERFACE
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>
    $<INSTALL_INTERFACE:include>)
  install(TARGETS ${name}
    EXPORT QSimTargets
    COMPONENT qsim
    ARCHIVE DESTINATION lib${LLVM_LIBDIR_SUFFIX}
    LIBRARY DESTINATION lib${LLVM_LIBDIR_SUFFIX}
    RUNTIME DESTINATION bin)
  set_property(GLOBAL APPEND PROPERTY QSIM_EXPORTS ${name})
endfunction()

# Fails the configuration when a static or shared library defined below
# `dir` was not added with add_qsim_library, so that it cannot be left out
# of the installed package by accident.
function(qsim_check_all_libraries_exported dir)
  get_property(exports GLOBAL PROPERTY QSIM_EXPORTS)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target ${targets})
    get_target_property(type ${target} TYPE)
    if(type MATCHES "^(STATIC|SHARED)_LIBRARY$" AND NOT target IN_LIST exports)
      message(FATAL_ERROR "Library ${target} (in ${dir}) is not exported: "
                          "add it with add_qsim_library")
    endif()
  endforeach()
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(subdir ${subdirs})
    qsim_check_all_libraries_exported(${subdir})
  endforeach()
endfunction()
