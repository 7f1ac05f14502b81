# The Debian package: `cmake --build build --target package` makes
# build/micdoctor_<version>-<release>_<arch>.deb with CPack. Linux only.
#
# The man page and the bash, zsh and fish completions are generated at build
# time from the usage text of the binary just built (packaging/generate.py
# runs 'micdoctor help' and 'micdoctor help COMMAND'), so they cannot drift
# from what the CLI prints. Everything generated lives in build/packaging.

find_program(MICDOCTOR_PYTHON3 python3 REQUIRED)
find_program(MICDOCTOR_GZIP gzip REQUIRED)

set(MICDOCTOR_PACKAGE_MAINTAINER "micdoctor maintainers <maintainers@users.noreply.b-seed-7305af28.example>"
    CACHE STRING "Maintainer field of the Debian package")
set(MICDOCTOR_PACKAGE_RELEASE 1 CACHE STRING "Debian revision of the package")
set(package_dir ${CMAKE_BINARY_DIR}/packaging)
set(package_docdir share/doc/micdoctor)
file(MAKE_DIRECTORY ${package_dir})

set(generated ${package_dir}/micdoctor.1.gz ${package_dir}/micdoctor.bash ${package_dir}/_micdoctor
              ${package_dir}/micdoctor.fish)
add_custom_command(
  OUTPUT ${generated}
  COMMAND ${MICDOCTOR_PYTHON3} ${PROJECT_SOURCE_DIR}/packaging/generate.py --binary $<TARGET_FILE:micdoctor>
          --version ${PROJECT_VERSION} --out ${package_dir}
  DEPENDS micdoctor ${PROJECT_SOURCE_DIR}/packaging/generate.py
  COMMENT "Man page and shell completions from micdoctor's usage text"
  VERBATIM)

# Debian policy: /usr/share/doc/PACKAGE/copyright and changelog.Debian.gz.
file(READ ${PROJECT_SOURCE_DIR}/LICENSE license_text)
string(REGEX REPLACE "\n+$" "" license_text "${license_text}")
string(REGEX REPLACE "\n\n" "\n.\n" license_text "${license_text}")
string(REGEX REPLACE "\n([^\n])" "\n \\1" license_text "${license_text}")
file(CONFIGURE OUTPUT ${package_dir}/copyright CONTENT
"Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: micdoctor

Files: *
Copyright: 2026 the micdoctor developers
License: MIT

License: MIT
 ${license_text}
" @ONLY)
string(TIMESTAMP package_date "%a, %d %b %Y %H:%M:%S +0000" UTC)  # honours SOURCE_DATE_EPOCH
file(CONFIGURE OUTPUT ${package_dir}/changelog.Debian CONTENT
"micdoctor (${PROJECT_VERSION}-${MICDOCTOR_PACKAGE_RELEASE}) unstable; urgency=medium

  * Built with CPack from the micdoctor sources.

 -- ${MICDOCTOR_PACKAGE_MAINTAINER}  ${package_date}
")
add_custom_command(
  OUTPUT ${package_dir}/changelog.Debian.gz
  COMMAND ${MICDOCTOR_GZIP} -9nf -k ${package_dir}/changelog.Debian
  DEPENDS ${package_dir}/changelog.Debian
  VERBATIM)
add_custom_target(micdoctor_package_files ALL DEPENDS ${generated} ${package_dir}/changelog.Debian.gz)

include(GNUInstallDirs)
install(TARGETS micdoctor RUNTIME DESTINATION bin)
install(FILES ${package_dir}/micdoctor.1.gz DESTINATION share/man/man1)
install(FILES ${package_dir}/micdoctor.bash DESTINATION share/bash-completion/completions RENAME micdoctor)
install(FILES ${package_dir}/_micdoctor DESTINATION share/zsh/vendor-completions)
install(FILES ${package_dir}/micdoctor.fish DESTINATION share/fish/vendor_completions.d)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/micdoctor.desktop DESTINATION share/applications)
install(FILES ${PROJECT_SOURCE_DIR}/data/icons/micdoctor.svg DESTINATION share/icons/hicolor/scalable/apps)
install(FILES ${package_dir}/copyright ${package_dir}/changelog.Debian.gz DESTINATION ${package_docdir})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME micdoctor)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR})
set(CPACK_PACKAGE_CONTACT "${MICDOCTOR_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${MICDOCTOR_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_RELEASE ${MICDOCTOR_PACKAGE_RELEASE})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION sound)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # Depends from the libraries it links (dpkg-shlibdeps)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS xdg-utils)  # micdoctor ui opens the browser with xdg-open
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "find and fix why others cannot hear your microphone")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "micdoctor reads every layer between the microphone and the applications
(PulseAudio or PipeWire, the kernel, drivers, firmware, the ALSA mixer,
Bluetooth headset profiles, Flatpak and Snap permissions), listens to the
microphone, names the cause in plain words, fixes what it safely can (with
undo) and says what to do about the rest.
.
Microphone Doctor in the applications menu opens the same checks, fixes and
microphone test as a page in the web browser (micdoctor ui). micdoctor
analyze judges recordings. Audio stays in memory; nothing is sent anywhere.")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
    WORLD_READ WORLD_EXECUTE)
set(CPACK_SOURCE_GENERATOR "")
include(CPack)
