# Install and package.
#   cmake --install BUILD --prefix P   P/bin/sendpath, P/bin/sendpath-cli, and the
#                                      data in P/share/sendpath (lessons/, traces/,
#                                      assets/, README.md)
#   cd BUILD && cpack -G DEB           sendpath_<version>_<arch>.deb, installing into /usr
# The programs find the data through util/data_dir: $SENDPATH_DATA, else
# <their own directory>/../share/sendpath, else this source tree. So the two
# destinations below must stay "bin" and "share/sendpath" relative to one prefix.

set(SENDPATH_DATA_DESTINATION share/sendpath)

install(TARGETS sendpath-cli RUNTIME DESTINATION bin)
if(TARGET sendpath)
  install(TARGETS sendpath RUNTIME DESTINATION bin)
endif()
# lessons/ holds lessons/scenarios/; the lessons name their schema and their
# recorded traces by relative paths (../assets, ../traces), kept as they are here.
install(DIRECTORY ${CMAKE_SOURCE_DIR}/lessons ${CMAKE_SOURCE_DIR}/traces ${CMAKE_SOURCE_DIR}/assets
        DESTINATION ${SENDPATH_DATA_DESTINATION})
# Beside assets/ so that its pictures (assets/screenshots/...) show.
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${SENDPATH_DATA_DESTINATION})

# --- Debian package -----------------------------------------------------------
set(CPACK_PACKAGE_NAME sendpath)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Step through how Linux 2.6.32 sends TCP data (tcp_sendmsg), in a GUI and a CLI")
set(CPACK_PACKAGE_CONTACT "sendpath maintainers <sendpath@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION education)
# The shared libraries the programs link (libglfw3, libstb0, libstdc++6, ...)
# come from dpkg-shlibdeps; ImGui is a static library (libimgui-dev ships only
# libimgui.a), so it needs no package at run time.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
if(TARGET sendpath)
  # What shlibdeps cannot see: GLFW opens libGL.so.1 with dlopen, and the GUI's
  # font is a file (gui/main.cpp load_font). Mesa's drivers draw the GL 3.3
  # window where no vendor driver is installed.
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libgl1, fonts-dejavu-core")
  set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libgl1-mesa-dri")
endif()
include(CPack)
