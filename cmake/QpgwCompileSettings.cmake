# One INTERFACE target carries the compile settings every target of the project shares.
# Link it PRIVATE; it adds no code.
add_library(qpgw_compile_settings INTERFACE)
add_library(qpgw::compile_settings ALIAS qpgw_compile_settings)

target_compile_definitions(qpgw_compile_settings INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_URL_CAST_FROM_STRING
    QT_USE_QSTRINGBUILDER
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_FOREACH
    QT_DISABLE_DEPRECATED_BEFORE=0x060400)

if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(qpgw_compile_settings INTERFACE
        -Wall -Wextra -pedantic -Wshadow -Wnon-virtual-dtor -Wcast-qual
        -Wold-style-cast -Wimplicit-fallthrough)
    if(QPGW_WERROR)
        target_compile_options(qpgw_compile_settings INTERFACE -Werror)
    endif()
endif()
