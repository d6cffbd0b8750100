#include "buildinfo.h"

#include <QString>
#include <QSysInfo>
#include <QtGlobal>

using namespace Qt::StringLiterals;

// Stamped by core/CMakeLists.txt on this file only, so a new revision recompiles one file.
#ifndef QPGW_VERSION
#  define QPGW_VERSION ""
#endif
#ifndef QPGW_REVISION
#  define QPGW_REVISION ""
#endif
#ifndef QPGW_BRANCH
#  define QPGW_BRANCH ""
#endif

namespace qpgw {

BuildInfo BuildInfo::thisBuild()
{
    BuildInfo info;
    info.version = QByteArray(QPGW_VERSION);
    // prometheus/common reports "unknown" when the binary carries no revision.
    info.revision = QByteArray(QPGW_REVISION);
    if (info.revision.isEmpty())
        info.revision = "unknown"_ba;
    info.branch = QByteArray(QPGW_BRANCH);
    info.goVersion = "qt"_ba + QByteArray(qVersion());
    info.goOs = goOsName(QSysInfo::kernelType().toLatin1());
    info.goArch = goArchName(QSysInfo::buildCpuArchitecture().toLatin1(),
                             QSysInfo::ByteOrder == QSysInfo::LittleEndian);
    return info;
}

QByteArray goArchName(QByteArrayView qtArchitecture, bool littleEndian)
{
    if (qtArchitecture == "x86_64")
        return "amd64"_ba;
    if (qtArchitecture == "i386")
        return "386"_ba;
    if (qtArchitecture == "power64")
        return littleEndian ? "ppc64le"_ba : "ppc64"_ba;
    if (qtArchitecture == "power")
        return "ppc"_ba;
    // Go names the little-endian MIPS variants, Qt reports the byte order separately.
    if (qtArchitecture == "mips" || qtArchitecture == "mips64")
        return littleEndian ? qtArchitecture.toByteArray() + "le"_ba : qtArchitecture.toByteArray();
    if (qtArchitecture == "loongarch64")
        return "loong64"_ba;
    if (qtArchitecture == "sparcv9")
        return "sparc64"_ba;
    return qtArchitecture.toByteArray(); // arm, arm64, riscv64, s390x, wasm: same spelling
}

QByteArray goOsName(QByteArrayView qtKernelType)
{
    if (qtKernelType == "winnt")
        return "windows"_ba;
    return qtKernelType.toByteArray();
}

} // namespace qpgw
