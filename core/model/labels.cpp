#include "labels.h"

#include <algorithm>

namespace qpgw {

void sortByName(Labels &labels)
{
    std::stable_sort(labels.begin(), labels.end(),
                     [](const LabelPair &a, const LabelPair &b) { return a.name < b.name; });
}

const QByteArray *findLabel(const Labels &labels, QByteArrayView name)
{
    for (const LabelPair &pair : labels) {
        if (pair.name == name)
            return &pair.value;
    }
    return nullptr;
}

void setLabel(Labels &labels, const QByteArray &name, const QByteArray &value)
{
    for (LabelPair &pair : labels) {
        if (pair.name == name) {
            pair.value = value;
            return;
        }
    }
    labels.append(LabelPair{name, value});
}

bool seriesLess(const Labels &a, const Labels &b)
{
    if (a.size() != b.size())
        return a.size() < b.size();
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a[i].value != b[i].value)
            return a[i].value < b[i].value;
    }
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a[i].name != b[i].name)
            return a[i].name < b[i].name;
    }
    return false;
}

} // namespace qpgw
