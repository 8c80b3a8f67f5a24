# cmake -DCMD="prog;args" -DRC=3 -DMATCH=regex -P expect_exit.cmake
# Runs CMD and fails unless it exits with RC and its output matches MATCH.
execute_process(COMMAND ${CMD} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "exit ${rc}; stdout: ${out}; stderr: ${err}")
if(NOT rc EQUAL RC)
  message(FATAL_ERROR "expected exit status ${RC}, got ${rc}")
endif()
if(NOT "${out}${err}" MATCHES "${MATCH}")
  message(FATAL_ERROR "output does not match '${MATCH}'")
endif()
