# cmake -DCMD="prog;args" -DDIR=folder -DFILE=path -DMATCH=regex -P fresh_run.cmake
# Empties DIR, runs CMD (exit status 0 expected), then checks that FILE was
# written and its content matches MATCH: a run that must start with no saved
# state and leave a file behind (the GUI's answer autosave).
file(REMOVE_RECURSE ${DIR})
execute_process(COMMAND ${CMD} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "exit ${rc}; stdout: ${out}; stderr: ${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "expected exit status 0, got ${rc}")
endif()
if(NOT EXISTS ${FILE})
  message(FATAL_ERROR "${FILE} was not written")
endif()
file(READ ${FILE} content)
message(STATUS "${FILE}: ${content}")
if(NOT content MATCHES "${MATCH}")
  message(FATAL_ERROR "${FILE} does not match '${MATCH}'")
endif()
