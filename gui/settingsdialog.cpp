#include "settingsdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QVBoxLayout>

namespace qpgw::gui {

using namespace Qt::StringLiterals;

namespace {

// The stale age's units, largest first, in seconds.
constexpr int Units[] = {86400, 3600, 60, 1};

} // namespace

bool isListenAddressForm(const QString &address)
{
    static const QRegularExpression form(u"^(\\[[0-9A-Fa-f:.%a-zA-Z]+\\]|[^\\s:\\[\\]]*):([0-9]{1,5})$"_s);
    const QRegularExpressionMatch match = form.match(address);
    return match.hasMatch() && match.captured(2).toUInt() <= 65535;
}

SettingsDialog::SettingsDialog(const ConsoleSettings &settings, const QString &persistenceInUse, bool trayAvailable,
                               QWidget *parent)
    : QDialog(parent)
    , m_initial(settings)
    , m_persistenceInUse(persistenceInUse)
{
    setWindowTitle(tr("Settings"));

    // The gateway: applied as soon as the dialog is accepted.
    m_listenEdit = new QLineEdit(settings.listenAddresses.join(u", "_s));
    m_listenEdit->setToolTip(tr("host:port, [::1]:port or :port (every interface); several separated by commas"));
    m_listenProblem = new QLabel;
    m_listenProblem->setStyleSheet(u"color: #c0392b"_s);
    m_listenProblem->hide();
    m_adminApi = new QCheckBox(tr("Enable the ad&min API (PUT /api/v1/admin/wipe deletes every group)"));
    m_adminApi->setChecked(settings.enableAdminApi);
    m_lifecycle = new QCheckBox(tr("Enable the &lifecycle API (PUT or POST /-/quit stops the gateway)"));
    m_lifecycle->setChecked(settings.enableLifecycle);

    m_persistenceEdit = new QLineEdit(settings.persistenceFile);
    m_persistenceEdit->setPlaceholderText(tr("Empty: keep groups in memory only"));
    auto *browse = new QPushButton(tr("&Browse…"));
    connect(browse, &QPushButton::clicked, this, &SettingsDialog::browsePersistenceFile);
    auto *persistenceRow = new QHBoxLayout;
    persistenceRow->addWidget(m_persistenceEdit, 1);
    persistenceRow->addWidget(browse);
    m_persistenceNote = new QLabel;
    m_persistenceNote->setWordWrap(true);

    auto *gatewayForm = new QFormLayout;
    auto *listenLabel = new QLabel(tr("Listen &addresses:"));
    listenLabel->setBuddy(m_listenEdit);
    gatewayForm->addRow(listenLabel, m_listenEdit);
    gatewayForm->addRow(QString(), m_listenProblem);
    gatewayForm->addRow(QString(), m_adminApi);
    gatewayForm->addRow(QString(), m_lifecycle);
    auto *persistenceLabel = new QLabel(tr("&Persistence file:"));
    persistenceLabel->setBuddy(m_persistenceEdit);
    gatewayForm->addRow(persistenceLabel, persistenceRow);
    gatewayForm->addRow(QString(), m_persistenceNote);
    auto *gatewayBox = new QGroupBox(tr("Gateway"));
    gatewayBox->setLayout(gatewayForm);

    // The console.
    m_staleAge = new QSpinBox;
    m_staleAge->setRange(0, 9999);
    m_staleAge->setSpecialValueText(tr("Never"));
    m_staleUnit = new QComboBox;
    m_staleUnit->addItem(tr("days"), Units[0]);
    m_staleUnit->addItem(tr("hours"), Units[1]);
    m_staleUnit->addItem(tr("minutes"), Units[2]);
    m_staleUnit->addItem(tr("seconds"), Units[3]);
    // Shown in the largest unit that divides it: 7200 s is "2 hours".
    const qint64 staleSeconds = settings.staleAge.count();
    int unitIndex = 2;
    for (int i = 0; staleSeconds > 0 && i < int(std::size(Units)); ++i) {
        if (staleSeconds % Units[i] == 0) {
            unitIndex = i;
            break;
        }
    }
    m_staleUnit->setCurrentIndex(unitIndex);
    m_staleAge->setValue(int(std::min<qint64>(staleSeconds / Units[unitIndex], m_staleAge->maximum())));
    auto *staleRow = new QHBoxLayout;
    staleRow->addWidget(m_staleAge);
    staleRow->addWidget(m_staleUnit);
    staleRow->addStretch();

    m_keepRunning = new QCheckBox(tr("&Keep the gateway running in the tray when the window is closed"));
    m_keepRunning->setChecked(settings.keepRunningInTray);
    m_notify = new QCheckBox(tr("&Notify when pushes to a group start failing"));
    m_notify->setChecked(settings.notifyFailures);
    if (!trayAvailable) {
        const QString why = tr("This desktop offers no system tray.");
        m_keepRunning->setEnabled(false);
        m_keepRunning->setToolTip(why);
        m_notify->setEnabled(false);
        m_notify->setToolTip(why);
    }

    auto *consoleForm = new QFormLayout;
    auto *staleLabel = new QLabel(tr("Mark groups &stale after:"));
    staleLabel->setBuddy(m_staleAge);
    consoleForm->addRow(staleLabel, staleRow);
    consoleForm->addRow(QString(), m_keepRunning);
    consoleForm->addRow(QString(), m_notify);
    auto *consoleBox = new QGroupBox(tr("Console"));
    consoleBox->setLayout(consoleForm);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(gatewayBox);
    layout->addWidget(consoleBox);
    layout->addStretch();
    layout->addWidget(m_buttons);

    connect(m_listenEdit, &QLineEdit::textChanged, this, &SettingsDialog::validate);
    connect(m_persistenceEdit, &QLineEdit::textChanged, this, &SettingsDialog::validate);
    validate();
}

QString SettingsDialog::listenProblem() const
{
    const QStringList addresses = splitListenAddresses(m_listenEdit->text());
    if (addresses.isEmpty())
        return tr("At least one listen address is needed.");
    for (const QString &address : addresses) {
        if (!isListenAddressForm(address))
            return tr("\"%1\" is not host:port (for example 127.0.0.1:9091 or :9091).").arg(address);
    }
    return {};
}

void SettingsDialog::validate()
{
    const QString problem = listenProblem();
    m_listenProblem->setText(problem);
    m_listenProblem->setVisible(!problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());

    const QString file = m_persistenceEdit->text().trimmed();
    QString note;
    if (file != m_persistenceInUse)
        note = tr("Takes effect the next time QPushgateway starts; until then it keeps using %1.")
                   .arg(m_persistenceInUse.isEmpty() ? tr("memory only") : m_persistenceInUse);
    m_persistenceNote->setText(note);
    m_persistenceNote->setVisible(!note.isEmpty());
}

void SettingsDialog::browsePersistenceFile()
{
    auto *dialog = new QFileDialog(this, tr("Persistence File"), m_persistenceEdit->text());
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setOption(QFileDialog::DontConfirmOverwrite); // an existing file is loaded, not overwritten
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, m_persistenceEdit, &QLineEdit::setText);
    dialog->open();
}

ConsoleSettings SettingsDialog::settings() const
{
    ConsoleSettings result = m_initial;
    result.listenAddresses = splitListenAddresses(m_listenEdit->text());
    result.enableAdminApi = m_adminApi->isChecked();
    result.enableLifecycle = m_lifecycle->isChecked();
    result.persistenceFile = m_persistenceEdit->text().trimmed();
    result.staleAge = std::chrono::seconds(qint64(m_staleAge->value()) * m_staleUnit->currentData().toInt());
    result.keepRunningInTray = m_keepRunning->isChecked();
    result.notifyFailures = m_notify->isChecked();
    return result;
}

} // namespace qpgw::gui
