# tst_install: installs the build tree BUILD_DIR (configuration CONFIG) with
# `cmake --install --prefix <temporary directory>`, checks what it laid out, and removes the
# directory again, whether the checks pass or not.
#
#   bin/qpushgateway, bin/qpushgateway-headless               run with --version from the prefix
#   <DATADIR>/applications/qpushgateway.desktop                its Exec and Icon name what was
#                                                              installed; desktop-file-validate
#   <DATADIR>/icons/hicolor/scalable/apps/qpushgateway.svg
#   <DATADIR>/icons/hicolor/<n>x<n>/apps/qpushgateway.png      a PNG of n by n pixels
#
# desktop-file-validate (Debian: desktop-file-utils) is required when CI=true; elsewhere the
# validation is skipped, with a note, when the tool is missing.
cmake_minimum_required(VERSION 3.22)

foreach(variable BUILD_DIR CONFIG DATADIR)
    if(NOT DEFINED ${variable})
        message(FATAL_ERROR "check_install.cmake: -D${variable}=... is required")
    endif()
endforeach()

set(expected_icon_sizes 32 48 64 128 256)

# A new directory of our own under the system's temporary directory.
if(DEFINED ENV{TMPDIR} AND IS_DIRECTORY "$ENV{TMPDIR}")
    set(temp_root "$ENV{TMPDIR}")
else()
    set(temp_root "/tmp")
endif()
string(RANDOM LENGTH 12 ALPHABET "abcdefghijklmnopqrstuvwxyz0123456789" suffix)
set(prefix "${temp_root}/qpgw-install-${suffix}")
if(EXISTS "${prefix}")
    message(FATAL_ERROR "${prefix} exists already")
endif()
file(MAKE_DIRECTORY "${prefix}")

set(problems "")
macro(problem text)
    list(APPEND problems "${text}")
endmacro()

# Reads the width and height from a PNG's IHDR chunk (bytes 16 to 23, big-endian).
function(png_size file out_width out_height)
    file(READ "${file}" signature LIMIT 8 HEX)
    if(NOT signature STREQUAL "89504e470d0a1a0a")
        set(${out_width} -1 PARENT_SCOPE)
        set(${out_height} -1 PARENT_SCOPE)
        return()
    endif()
    file(READ "${file}" header OFFSET 16 LIMIT 8 HEX)
    string(SUBSTRING "${header}" 0 8 width_hex)
    string(SUBSTRING "${header}" 8 8 height_hex)
    math(EXPR width "0x${width_hex}")
    math(EXPR height "0x${height_hex}")
    set(${out_width} ${width} PARENT_SCOPE)
    set(${out_height} ${height} PARENT_SCOPE)
endfunction()

# The value of `key` in the desktop entry's text (empty when absent).
function(desktop_value text key out)
    if(text MATCHES "\n${key}=([^\n]*)")
        set(${out} "${CMAKE_MATCH_1}" PARENT_SCOPE)
    else()
        set(${out} "" PARENT_SCOPE)
    endif()
endfunction()

# A DESTDIR in the environment would put the files elsewhere.
unset(ENV{DESTDIR})
execute_process(
    COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --config "${CONFIG}" --prefix "${prefix}"
    RESULT_VARIABLE install_result
    OUTPUT_VARIABLE install_output
    ERROR_VARIABLE install_output)

if(NOT install_result EQUAL 0)
    problem("cmake --install failed (${install_result}):\n${install_output}")
else()
    # The executables, and that they run from where they were installed.
    foreach(program qpushgateway qpushgateway-headless)
        set(path "${prefix}/bin/${program}")
        if(NOT EXISTS "${path}")
            problem("missing: bin/${program}")
            continue()
        endif()
        execute_process(COMMAND "${path}" --version
            RESULT_VARIABLE run_result OUTPUT_VARIABLE run_output ERROR_VARIABLE run_output
            TIMEOUT 60)
        if(NOT run_result EQUAL 0 OR NOT run_output MATCHES "version")
            problem("bin/${program} --version failed (${run_result}):\n${run_output}")
        endif()
    endforeach()

    # The icons.
    set(icons "${prefix}/${DATADIR}/icons/hicolor")
    if(NOT EXISTS "${icons}/scalable/apps/qpushgateway.svg")
        problem("missing: ${DATADIR}/icons/hicolor/scalable/apps/qpushgateway.svg")
    endif()
    foreach(size IN LISTS expected_icon_sizes)
        set(png "${icons}/${size}x${size}/apps/qpushgateway.png")
        if(NOT EXISTS "${png}")
            problem("missing: ${DATADIR}/icons/hicolor/${size}x${size}/apps/qpushgateway.png")
            continue()
        endif()
        png_size("${png}" width height)
        if(NOT width EQUAL size OR NOT height EQUAL size)
            problem("${DATADIR}/icons/hicolor/${size}x${size}/apps/qpushgateway.png is ${width}x${height} (not a PNG: -1)")
        endif()
    endforeach()

    # The desktop entry: it names what was installed, and it is valid.
    set(desktop "${prefix}/${DATADIR}/applications/qpushgateway.desktop")
    if(NOT EXISTS "${desktop}")
        problem("missing: ${DATADIR}/applications/qpushgateway.desktop")
    else()
        file(READ "${desktop}" entry)
        desktop_value("${entry}" "Exec" exec)
        string(REGEX REPLACE " .*" "" exec_program "${exec}")
        if(NOT EXISTS "${prefix}/bin/${exec_program}")
            problem("the desktop entry's Exec=${exec} is not an installed program")
        endif()
        desktop_value("${entry}" "Icon" icon)
        if(NOT EXISTS "${icons}/scalable/apps/${icon}.svg")
            problem("the desktop entry's Icon=${icon} is not an installed icon")
        endif()

        find_program(DESKTOP_FILE_VALIDATE desktop-file-validate)
        if(DESKTOP_FILE_VALIDATE)
            execute_process(COMMAND "${DESKTOP_FILE_VALIDATE}" "${desktop}"
                RESULT_VARIABLE validate_result OUTPUT_VARIABLE validate_output ERROR_VARIABLE validate_output)
            if(NOT validate_result EQUAL 0)
                problem("desktop-file-validate rejects the desktop entry:\n${validate_output}")
            elseif(NOT validate_output STREQUAL "")
                message(STATUS "desktop-file-validate:\n${validate_output}")
            endif()
        elseif("$ENV{CI}" STREQUAL "true")
            problem("desktop-file-validate is required with CI=true (Debian: desktop-file-utils)")
        else()
            message(STATUS "desktop-file-validate not found (Debian: desktop-file-utils): the desktop entry is not validated")
        endif()
    endif()
endif()

file(REMOVE_RECURSE "${prefix}")
if(EXISTS "${prefix}")
    problem("could not remove ${prefix}")
endif()

if(problems)
    list(JOIN problems "\n" report)
    message(FATAL_ERROR "The installation is not as expected:\n${report}")
endif()
list(LENGTH expected_icon_sizes icon_count)
message(STATUS "installed and checked: 2 programs, the desktop entry, the scalable icon and ${icon_count} PNG icons")
