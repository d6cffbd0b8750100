#pragma once

#include <QDialog>
#include <QStringList>

class QPlainTextEdit;

namespace qpgw::gui {

// The scrape configuration Prometheus needs for this gateway, ready to paste into
// prometheus.yml: `honor_labels: true` (so pushed job and instance labels are kept, as the
// reference's README insists), the telemetry route as metrics_path, and a target per listen
// address (a wildcard or loopback host becomes localhost).
QString scrapeConfigSnippet(const QStringList &listenAddresses, const QString &telemetryRoute);

// "0.0.0.0:9091", "[::]:9091", ":9091" -> "localhost:9091"; other addresses unchanged. What a
// client on this machine connects to.
QString reachableAddress(const QString &listenAddress);

// ScrapeConfigDialog: shows the snippet, selectable, with a button that copies it.
class ScrapeConfigDialog : public QDialog
{
    Q_OBJECT

public:
    ScrapeConfigDialog(const QString &snippet, QWidget *parent = nullptr);

    QPlainTextEdit *text() const { return m_text; }
    // Shows another snippet (the gateway moved to other addresses while the dialog was open).
    void setSnippet(const QString &snippet);

private:
    QPlainTextEdit *m_text = nullptr;
};

} // namespace qpgw::gui
