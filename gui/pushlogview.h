#pragma once

#include <QWidget>

class QCheckBox;
class QPushButton;
class QTableView;

namespace qpgw::gui {

class PushLogFilterProxyModel;
class PushLogModel;

// PushLogView: the push log panel. A table of the log's rows (through a "failures only"
// filter), a check box for that filter and a button that clears the log.
//
// The table follows the newest row, at the bottom, while it is scrolled to the bottom; once the
// user scrolls up to read, it stays where it is (apart from the shift when the oldest rows are
// trimmed) until they scroll back down.
class PushLogView : public QWidget
{
    Q_OBJECT

public:
    // Shows `model`, which must outlive the view.
    explicit PushLogView(PushLogModel *model, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    PushLogFilterProxyModel *filterModel() const { return m_filter; }
    QCheckBox *failuresOnlyBox() const { return m_failuresOnly; }
    QPushButton *clearButton() const { return m_clear; }
    // Whether new rows scroll into view (the table is at its bottom).
    bool followsNewest() const { return m_followNewest; }

private:
    void onScrolled(int value);
    void onScrollRangeChanged(int minimum, int maximum);

    PushLogModel *m_model;
    PushLogFilterProxyModel *m_filter;
    QTableView *m_table;
    QCheckBox *m_failuresOnly;
    QPushButton *m_clear;
    bool m_followNewest = true;
};

} // namespace qpgw::gui
