#include "names.h"

namespace qpgw {
namespace {

constexpr bool isAsciiLetterOrUnderscore(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

constexpr bool isAsciiDigit(char c) { return c >= '0' && c <= '9'; }

} // namespace

bool isLegacyMetricName(QByteArrayView name)
{
    if (name.isEmpty())
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (!(isAsciiLetterOrUnderscore(c) || c == ':' || (i > 0 && isAsciiDigit(c))))
            return false;
    }
    return true;
}

bool isLegacyLabelName(QByteArrayView name)
{
    if (name.isEmpty())
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (!(isAsciiLetterOrUnderscore(c) || (i > 0 && isAsciiDigit(c))))
            return false;
    }
    return true;
}

bool isValidMetricName(QByteArrayView name, NameValidation validation)
{
    if (validation == NameValidation::Legacy)
        return isLegacyMetricName(name);
    return !name.isEmpty() && name.isValidUtf8();
}

bool isValidLabelName(QByteArrayView name, NameValidation validation)
{
    if (validation == NameValidation::Legacy)
        return isLegacyLabelName(name);
    return !name.isEmpty() && name.isValidUtf8();
}

} // namespace qpgw
