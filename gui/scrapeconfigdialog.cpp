#include "scrapeconfigdialog.h"

#include <QClipboard>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace qpgw::gui {

using namespace Qt::StringLiterals;

QString reachableAddress(const QString &listenAddress)
{
    const qsizetype colon = listenAddress.lastIndexOf(u':');
    const QString host = colon < 0 ? QString() : listenAddress.left(colon);
    const QString port = colon < 0 ? listenAddress : listenAddress.mid(colon + 1);
    if (host.isEmpty() || host == "0.0.0.0"_L1 || host == "[::]"_L1)
        return u"localhost:"_s + port;
    return listenAddress;
}

QString scrapeConfigSnippet(const QStringList &listenAddresses, const QString &telemetryRoute)
{
    QStringList targets;
    for (const QString &address : listenAddresses) {
        const QString target = u"'%1'"_s.arg(reachableAddress(address));
        if (!targets.contains(target))
            targets.append(target);
    }
    QString snippet = u"scrape_configs:\n"
                      "  - job_name: pushgateway\n"
                      "    # Keep the job and instance labels the pushers set.\n"
                      "    honor_labels: true\n"_s;
    if (telemetryRoute != "/metrics"_L1)
        snippet += u"    metrics_path: %1\n"_s.arg(telemetryRoute);
    snippet += u"    static_configs:\n"
               "      - targets: [%1]\n"_s.arg(targets.join(u", "_s));
    return snippet;
}

ScrapeConfigDialog::ScrapeConfigDialog(const QString &snippet, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Prometheus Scrape Configuration"));
    auto *intro = new QLabel(tr("Add this to the scrape_configs of prometheus.yml. If Prometheus runs on another "
                                "machine, replace localhost with this machine's address."));
    intro->setWordWrap(true);
    m_text = new QPlainTextEdit(snippet);
    m_text->setReadOnly(true);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    QPushButton *copy = buttons->addButton(tr("&Copy"), QDialogButtonBox::ActionRole);
    connect(copy, &QPushButton::clicked, this, [this] { QGuiApplication::clipboard()->setText(m_text->toPlainText()); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_text);
    layout->addWidget(buttons);
    resize(520, 260);
}

void ScrapeConfigDialog::setSnippet(const QString &snippet)
{
    m_text->setPlainText(snippet);
}

} // namespace qpgw::gui
