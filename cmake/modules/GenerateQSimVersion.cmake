# Run as a script at build time (cmake -P): writes the header with qsim's
# version and, when the source tree is a git checkout, its revision.
# configure_file leaves the header untouched while its text is unchanged, so
# only a new commit recompiles the one file that includes it.
#
# Inputs: QSIM_SOURCE_DIR, QSIM_VERSION, OUTPUT.

set(QSIM_REVISION "")
# Only the tree's own .git (a folder, or a file in a git work tree): a copy
# of the sources inside another repository must not take its revision.
if(EXISTS "${QSIM_SOURCE_DIR}/.git")
  find_program(GIT_EXECUTABLE git)
  if(GIT_EXECUTABLE)
    execute_process(
      COMMAND "${GIT_EXECUTABLE}" -C "${QSIM_SOURCE_DIR}"
              rev-parse --short=12 HEAD
      OUTPUT_VARIABLE revision
      OUTPUT_STRIP_TRAILING_WHITESPACE
      RESULT_VARIABLE status
      ERROR_QUIET)
    if(status EQUAL 0)
      set(QSIM_REVISION "${revision}")
    endif()
  endif()
endif()

file(CONFIGURE OUTPUT "${OUTPUT}" CONTENT [[
// Generated at build time by cmake/modules/GenerateQSimVersion.cmake.
#define QSIM_VERSION_STRING "@QSIM_VERSION@"
#define QSIM_REVISION_STRING "@QSIM_REVISION@"
]] @ONLY)
