#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace qpgw {

// What `pushgateway_build_info` and the status API (`build_information`) say about the
// binary. The field names are the reference's, so that dashboards and scripts written for it
// find the same labels; the values describe this build.
struct BuildInfo
{
    QByteArray version;   // QPushgateway's version (the CMake project version)
    // VCS revision and branch: stamped by a release build, else the git checkout's when CMake
    // configured the build; without either, "unknown" and empty, as Go's.
    QByteArray revision;
    QByteArray branch;
    QByteArray buildUser; // status API only; empty unless stamped, as Go
    QByteArray buildDate; // status API only; empty unless stamped, as Go
    // Go's slot for the toolchain carries the Qt the process runs on, "qt" + qVersion()
    // (e.g. "qt6.4.2"): it is what decides the HTTP stack's behaviour here.
    QByteArray goVersion;
    QByteArray goOs;      // GOOS spelling of the operating system: "linux"
    QByteArray goArch;    // GOARCH spelling of the CPU architecture: "amd64", "arm64", ...
    // Go build tags. A C++ build has none, so the label is empty (a Go binary built without
    // -tags says "unknown"; the reference's release binaries name their tags, e.g. "netgo").
    QByteArray tags;

    // This binary: version, revision and branch from the build (CMake's PROJECT_VERSION and the
    // QPGW_REVISION / QPGW_BRANCH cache variables), the rest from the running system.
    static BuildInfo thisBuild();

    friend bool operator==(const BuildInfo &, const BuildInfo &) = default;
};

// Go's GOARCH for a Qt architecture name (QSysInfo::buildCpuArchitecture()): "x86_64" is
// "amd64", "i386" is "386", "power64" is "ppc64" or "ppc64le"; names Go spells the same way
// pass through unchanged.
QByteArray goArchName(QByteArrayView qtArchitecture, bool littleEndian);
// Go's GOOS for a Qt kernel type (QSysInfo::kernelType()): "winnt" is "windows", the others
// ("linux", "darwin", "freebsd", ...) are spelled the same.
QByteArray goOsName(QByteArrayView qtKernelType);

} // namespace qpgw
