#pragma once

#include "consolesettings.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace qpgw::gui {

// SettingsDialog: edits a copy of the console's settings (ConsoleSettings); the window applies
// what comes out of settings() once the dialog is accepted. Listen addresses are checked for
// their form ("host:port", "[::1]:port", ":port") before OK is possible; whether they can be
// bound is the gateway's to say. The persistence file is marked as taking effect at the next
// start when it differs from the one in use (`persistenceInUse`).
class SettingsDialog : public QDialog
{
    Q_OBJECT

public:
    SettingsDialog(const ConsoleSettings &settings, const QString &persistenceInUse, bool trayAvailable,
                   QWidget *parent = nullptr);

    ConsoleSettings settings() const;

    QLineEdit *listenEdit() const { return m_listenEdit; }
    QLineEdit *persistenceEdit() const { return m_persistenceEdit; }
    QSpinBox *staleAgeSpin() const { return m_staleAge; }
    QComboBox *staleUnitCombo() const { return m_staleUnit; }
    QCheckBox *adminApiBox() const { return m_adminApi; }
    QCheckBox *lifecycleBox() const { return m_lifecycle; }
    QCheckBox *keepRunningBox() const { return m_keepRunning; }
    QCheckBox *notifyBox() const { return m_notify; }
    QDialogButtonBox *buttons() const { return m_buttons; }
    // The problem with the listen addresses as typed, empty when they are fine.
    QString listenProblem() const;

private:
    void validate();
    void browsePersistenceFile();

    ConsoleSettings m_initial;
    QString m_persistenceInUse;
    QLineEdit *m_listenEdit = nullptr;
    QLabel *m_listenProblem = nullptr;
    QCheckBox *m_adminApi = nullptr;
    QCheckBox *m_lifecycle = nullptr;
    QLineEdit *m_persistenceEdit = nullptr;
    QLabel *m_persistenceNote = nullptr;
    QSpinBox *m_staleAge = nullptr;
    QComboBox *m_staleUnit = nullptr;
    QCheckBox *m_keepRunning = nullptr;
    QCheckBox *m_notify = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

// Whether `address` has the form the gateway listens on: "host:port", "[v6]:port" or ":port",
// with a port from 0 to 65535. (Whether the host resolves is found out when binding.)
bool isListenAddressForm(const QString &address);

} // namespace qpgw::gui
