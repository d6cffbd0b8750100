#include "filesync.h"

#include <QFile>
#include <QFileDevice>
#include <QFileInfo>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace qpgw {
namespace {

using namespace Qt::StringLiterals;

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

} // namespace

std::optional<QString> syncFileData(const QFileDevice &file)
{
    const int fd = file.handle();
    if (fd < 0)
        return u"file is not open"_s;
    int result = 0;
    do {
        result = ::fdatasync(fd);
    } while (result != 0 && errno == EINTR);
    if (result != 0)
        return u"fdatasync failed: "_s + errnoText(errno);
    return std::nullopt;
}

std::optional<QString> syncDirectoryOf(const QString &filePath)
{
    const QString directory = QFileInfo(filePath).absolutePath();
    const QByteArray encoded = QFile::encodeName(directory);
    int fd = -1;
    do {
        fd = ::open(encoded.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return u"cannot open directory "_s + directory + u": "_s + errnoText(errno);
    int result = 0;
    do {
        result = ::fsync(fd);
    } while (result != 0 && errno == EINTR);
    const int syncError = errno;
    ::close(fd);
    if (result != 0)
        return u"fsync of directory "_s + directory + u" failed: "_s + errnoText(syncError);
    return std::nullopt;
}

} // namespace qpgw
