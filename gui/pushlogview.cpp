#include "pushlogview.h"

#include "pushlogmodel.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace qpgw::gui {

PushLogView::PushLogView(PushLogModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_filter(new PushLogFilterProxyModel(this))
    , m_table(new QTableView(this))
    , m_failuresOnly(new QCheckBox(tr("&Failures only"), this))
    , m_clear(new QPushButton(tr("C&lear"), this))
{
    m_failuresOnly->setToolTip(tr("Show only the pushes and deletes that were rejected"));
    m_clear->setToolTip(tr("Empty the push log (the gateway's groups are not touched)"));

    m_filter->setSourceModel(m_model);
    m_table->setAccessibleName(tr("Push log"));
    m_table->setModel(m_filter);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setVerticalScrollMode(QAbstractItemView::ScrollPerItem);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    // One line per row: no row is ever measured, however many there are.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    QHeaderView *header = m_table->horizontalHeader();
    header->setStretchLastSection(true);
    const QFontMetrics metrics = fontMetrics();
    const int padding = metrics.horizontalAdvance(u'M') * 2;
    header->resizeSection(PushLogModel::TimeColumn, metrics.horizontalAdvance(u"00:00:00.000"_s) + padding);
    header->resizeSection(PushLogModel::MethodColumn, metrics.horizontalAdvance(u"DELETE"_s) + padding);
    header->resizeSection(PushLogModel::GroupingKeyColumn, metrics.horizontalAdvance(u'x') * 40);
    header->resizeSection(PushLogModel::SizeColumn, metrics.horizontalAdvance(u"1023.99 KiB"_s) + padding);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_failuresOnly);
    bar->addStretch();
    bar->addWidget(m_clear);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_table);

    connect(m_failuresOnly, &QCheckBox::toggled, m_filter, &PushLogFilterProxyModel::setFailuresOnly);
    connect(m_clear, &QPushButton::clicked, m_model, &PushLogModel::clear);

    QScrollBar *scrollBar = m_table->verticalScrollBar();
    connect(scrollBar, &QScrollBar::valueChanged, this, &PushLogView::onScrolled);
    connect(scrollBar, &QScrollBar::rangeChanged, this, &PushLogView::onScrollRangeChanged);
    // The oldest rows go from the top: a reader scrolled up keeps the rows they are reading in
    // place (scroll values count rows here), until those rows themselves are trimmed.
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, [this, scrollBar](const QModelIndex &, int first, int last) {
        if (!m_followNewest && first == 0)
            scrollBar->setValue(std::max(scrollBar->value() - (last - first + 1), 0));
    });
}

void PushLogView::onScrolled(int value)
{
    m_followNewest = value >= m_table->verticalScrollBar()->maximum();
}

void PushLogView::onScrollRangeChanged(int, int maximum)
{
    // New rows grew the range: follow them if the table was at the bottom.
    if (m_followNewest)
        m_table->verticalScrollBar()->setValue(maximum);
}

} // namespace qpgw::gui
