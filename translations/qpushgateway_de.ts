<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>QObject</name>
    <message>
        <source>QPushgateway</source>
        <translation>QPushgateway</translation>
    </message>
    <message>
        <source>The gateway could not start:
%1

The settings are kept in %2; flags on the command line (such as --web.listen-address) override them.</source>
        <translation>Das Gateway konnte nicht starten:
%1

Die Einstellungen stehen in %2; Optionen auf der Kommandozeile (etwa --web.listen-address) haben Vorrang.</translation>
    </message>
</context>
<context>
    <name>qpgw::gui::FailureNotifier</name>
    <message numerus="yes">
        <source>Pushes to %n group(s) started failing</source>
        <translation>
            <numerusform>Pushes an %n Gruppe schlagen jetzt fehl</numerusform>
            <numerusform>Pushes an %n Gruppen schlagen jetzt fehl</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>and %n more</source>
        <translation>
            <numerusform>und %n weitere</numerusform>
            <numerusform>und %n weitere</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qpgw::gui::FamilyTableModel</name>
    <message>
        <source>No HELP line</source>
        <translation>Keine HELP-Zeile</translation>
    </message>
    <message>
        <source>The metric family&apos;s name</source>
        <translation>Der Name der Metrikfamilie</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>Familie</translation>
    </message>
    <message>
        <source>The family&apos;s type, from its TYPE line</source>
        <translation>Der Typ der Familie, aus ihrer TYPE-Zeile</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>The family&apos;s HELP text</source>
        <translation>Der HELP-Text der Familie</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>Hilfetext</translation>
    </message>
    <message>
        <source>Number of series in this group</source>
        <translation>Anzahl der Serien in dieser Gruppe</translation>
    </message>
    <message>
        <source>Series</source>
        <translation>Serien</translation>
    </message>
    <message>
        <source>counter</source>
        <translation>Counter</translation>
    </message>
    <message>
        <source>gauge</source>
        <translation>Gauge</translation>
    </message>
    <message>
        <source>summary</source>
        <translation>Summary</translation>
    </message>
    <message>
        <source>untyped</source>
        <translation>ohne Typ</translation>
    </message>
    <message>
        <source>histogram</source>
        <translation>Histogramm</translation>
    </message>
    <message>
        <source>gauge histogram</source>
        <translation>Gauge-Histogramm</translation>
    </message>
</context>
<context>
    <name>qpgw::gui::GroupTreeModel</name>
    <message>
        <source>(job only)</source>
        <translation>(nur Job)</translation>
    </message>
    <message>
        <source>(no job)</source>
        <translation>(kein Job)</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Last successful push: %1</source>
        <translation>Letzter erfolgreicher Push: %1</translation>
    </message>
    <message>
        <source>No successful push yet</source>
        <translation>Noch kein erfolgreicher Push</translation>
    </message>
    <message>
        <source>The last push, at %1, failed.</source>
        <translation>Der letzte Push am %1 ist fehlgeschlagen.</translation>
    </message>
    <message numerus="yes">
        <source>%n failing</source>
        <translation>
            <numerusform>%n fehlgeschlagen</numerusform>
            <numerusform>%n fehlgeschlagen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n group(s)</source>
        <translation>
            <numerusform>%n Gruppe</numerusform>
            <numerusform>%n Gruppen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The last push to %n group(s) of this job failed.</source>
        <translation>
            <numerusform>Der letzte Push an %n Gruppe dieses Jobs ist fehlgeschlagen.</numerusform>
            <numerusform>Der letzte Push an %n Gruppen dieses Jobs ist fehlgeschlagen.</numerusform>
        </translation>
    </message>
    <message>
        <source>The job, and each group&apos;s grouping labels other than job</source>
        <translation>Der Job und die Gruppierungslabels jeder Gruppe außer job</translation>
    </message>
    <message>
        <source>Job / group</source>
        <translation>Job / Gruppe</translation>
    </message>
    <message>
        <source>Metric families pushed (without push_time_seconds and push_failure_time_seconds)</source>
        <translation>Gepushte Metrikfamilien (ohne push_time_seconds und push_failure_time_seconds)</translation>
    </message>
    <message>
        <source>Families</source>
        <translation>Familien</translation>
    </message>
    <message>
        <source>Series pushed (without push_time_seconds and push_failure_time_seconds)</source>
        <translation>Gepushte Serien (ohne push_time_seconds und push_failure_time_seconds)</translation>
    </message>
    <message>
        <source>Series</source>
        <translation>Serien</translation>
    </message>
    <message>
        <source>Time since the last successful push</source>
        <translation>Zeit seit dem letzten erfolgreichen Push</translation>
    </message>
    <message>
        <source>Last push</source>
        <translation>Letzter Push</translation>
    </message>
    <message>
        <source>Whether the last push failed; hover a failed one for the reason</source>
        <translation>Ob der letzte Push fehlgeschlagen ist; den Grund zeigt der Tooltip eines fehlgeschlagenen</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>%1 s ago</source>
        <translation>vor %1 s</translation>
    </message>
    <message>
        <source>%1 min ago</source>
        <translation>vor %1 min</translation>
    </message>
    <message>
        <source>%1 h ago</source>
        <translation>vor %1 h</translation>
    </message>
    <message>
        <source>%1 d ago</source>
        <translation>vor %1 d</translation>
    </message>
    <message>
        <source>Stale</source>
        <translation>Veraltet</translation>
    </message>
</context>
<context>
    <name>qpgw::gui::HistogramChart</name>
    <message>
        <source>Histogram buckets</source>
        <translation>Histogramm-Buckets</translation>
    </message>
    <message>
        <source>No histogram selected</source>
        <translation>Kein Histogramm ausgewählt</translation>
    </message>
    <message numerus="yes">
        <source>%n bucket(s), observations: %1</source>
        <translation>
            <numerusform>%n Bucket, Beobachtungen: %1</numerusform>
            <numerusform>%n Buckets, Beobachtungen: %1</numerusform>
        </translation>
    </message>
    <message>
        <source>max %1</source>
        <translation>max. %1</translation>
    </message>
    <message>
        <source>%1: %2 observations</source>
        <translation>%1: %2 Beobachtungen</translation>
    </message>
</context>
<context>
    <name>qpgw::gui::MainWindow</name>
    <message numerus="yes">
        <source>%n day(s) %1</source>
        <translation>
            <numerusform>%n Tag %1</numerusform>
            <numerusform>%n Tage %1</numerusform>
        </translation>
    </message>
    <message>
        <source>QPushgateway</source>
        <translation>QPushgateway</translation>
    </message>
    <message>
        <source>&amp;Delete Group…</source>
        <translation>Gruppe &amp;löschen…</translation>
    </message>
    <message>
        <source>Delete the selected group from the gateway</source>
        <translation>Die ausgewählte Gruppe aus dem Gateway löschen</translation>
    </message>
    <message>
        <source>Delete All Groups of &amp;Job…</source>
        <translation>Alle Gruppen des &amp;Jobs löschen…</translation>
    </message>
    <message>
        <source>Delete every group of the selected job from the gateway</source>
        <translation>Alle Gruppen des ausgewählten Jobs aus dem Gateway löschen</translation>
    </message>
    <message>
        <source>&amp;Wipe All Groups…</source>
        <translation>&amp;Alle Gruppen löschen…</translation>
    </message>
    <message>
        <source>Delete every group from the gateway</source>
        <translation>Alle Gruppen aus dem Gateway löschen</translation>
    </message>
    <message>
        <source>Copy &amp;curl Command</source>
        <translation>&amp;curl-Befehl kopieren</translation>
    </message>
    <message>
        <source>Copy a ready-to-paste command that pushes a sample to this gateway</source>
        <translation>Einen einfügefertigen Befehl kopieren, der einen Beispielwert an dieses Gateway pusht</translation>
    </message>
    <message>
        <source>&amp;Filter Groups</source>
        <translation>Gruppen &amp;filtern</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>Filter by job, label value or metric name (Ctrl+F)</source>
        <translation>Nach Job, Labelwert oder Metrikname filtern (Strg+F)</translation>
    </message>
    <message>
        <source>Delete Group…</source>
        <translation>Gruppe löschen…</translation>
    </message>
    <message>
        <source>Delete Job…</source>
        <translation>Job löschen…</translation>
    </message>
    <message>
        <source>Wipe All…</source>
        <translation>Alle löschen…</translation>
    </message>
    <message>
        <source>Listening on %1</source>
        <translation>Lauscht auf %1</translation>
    </message>
    <message>
        <source>In memory only (no persistence file)</source>
        <translation>Nur im Speicher (keine Persistenzdatei)</translation>
    </message>
    <message>
        <source>Persisting to %1</source>
        <translation>Speichert in %1</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Groups</source>
        <translation>&amp;Gruppen</translation>
    </message>
    <message>
        <source>Up %1</source>
        <translation>Läuft seit %1</translation>
    </message>
    <message numerus="yes">
        <source>%n group(s)</source>
        <translation>
            <numerusform>%n Gruppe</numerusform>
            <numerusform>%n Gruppen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n series</source>
        <translation>
            <numerusform>%n Serie</numerusform>
            <numerusform>%n Serien</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 pushes/s</source>
        <translation>%1 Pushes/s</translation>
    </message>
    <message>
        <source>Delete Group</source>
        <translation>Gruppe löschen</translation>
    </message>
    <message numerus="yes">
        <source>Delete the group %1 and its %n series from the gateway?</source>
        <translation>
            <numerusform>Die Gruppe %1 samt %n Serie aus dem Gateway löschen?</numerusform>
            <numerusform>Die Gruppe %1 samt %n Serien aus dem Gateway löschen?</numerusform>
        </translation>
    </message>
    <message>
        <source>Delete Job</source>
        <translation>Job löschen</translation>
    </message>
    <message numerus="yes">
        <source>Delete all %n group(s) of the job &quot;%1&quot; from the gateway?</source>
        <translation>
            <numerusform>Die %n Gruppe des Jobs „%1“ aus dem Gateway löschen?</numerusform>
            <numerusform>Alle %n Gruppen des Jobs „%1“ aus dem Gateway löschen?</numerusform>
        </translation>
    </message>
    <message>
        <source>Delete Groups</source>
        <translation>Gruppen löschen</translation>
    </message>
    <message>
        <source>Wipe All Groups</source>
        <translation>Alle Gruppen löschen</translation>
    </message>
    <message numerus="yes">
        <source>Delete every group (%n shown) of every job from the gateway?</source>
        <translation>
            <numerusform>Alle Gruppen (%n angezeigt) aller Jobs aus dem Gateway löschen?</numerusform>
            <numerusform>Alle Gruppen (%n angezeigt) aller Jobs aus dem Gateway löschen?</numerusform>
        </translation>
    </message>
    <message>
        <source>Wipe All</source>
        <translation>Alle löschen</translation>
    </message>
    <message>
        <source>Copied a curl push command to the clipboard</source>
        <translation>Ein curl-Push-Befehl wurde in die Zwischenablage kopiert</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>Prometheus Scrape Con&amp;fig…</source>
        <translation>Prometheus-&amp;Scrape-Konfiguration…</translation>
    </message>
    <message>
        <source>Show the scrape configuration Prometheus needs for this gateway</source>
        <translation>Die Scrape-Konfiguration anzeigen, die Prometheus für dieses Gateway braucht</translation>
    </message>
    <message>
        <source>&amp;Show Window</source>
        <translation>Fenster &amp;anzeigen</translation>
    </message>
    <message>
        <source>Go to &amp;Groups</source>
        <translation>Zu den &amp;Gruppen</translation>
    </message>
    <message>
        <source>Go to &amp;Metrics</source>
        <translation>Zu den &amp;Metriken</translation>
    </message>
    <message>
        <source>Go to Push &amp;Log</source>
        <translation>Zum Push-&amp;Protokoll</translation>
    </message>
    <message>
        <source>Scrape config…</source>
        <translation>Scrape-Konfiguration…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>saving failed at %1: %2</source>
        <translation>Speichern um %1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>last saved %1</source>
        <translation>zuletzt gespeichert um %1</translation>
    </message>
    <message>
        <source>QPushgateway on %1</source>
        <translation>QPushgateway auf %1</translation>
    </message>
    <message>
        <source>Could not listen on %1 (%2); still listening on %3</source>
        <translation>Lauschen auf %1 nicht möglich (%2); lauscht weiter auf %3</translation>
    </message>
    <message>
        <source>QPushgateway is still running</source>
        <translation>QPushgateway läuft weiter</translation>
    </message>
    <message>
        <source>The gateway keeps accepting pushes. Use the tray icon to show the window or quit.</source>
        <translation>Das Gateway nimmt weiterhin Pushes an. Über das Symbol im Infobereich lässt sich das Fenster anzeigen oder das Programm beenden.</translation>
    </message>
    <message>
        <source>Filter groups</source>
        <translation>Gruppen filtern</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>Gruppen</translation>
    </message>
    <message>
        <source>Gateway</source>
        <translation>Gateway</translation>
    </message>
</context>
<context>
    <name>qpgw::gui::MetricViewer</name>
    <message>
        <source>Metric viewer</source>
        <translation>Metrikanzeige</translation>
    </message>
    <message>
        <source>Metric families</source>
        <translation>Metrikfamilien</translation>
    </message>
    <message>
        <source>Series</source>
        <translation>Serien</translation>
    </message>
    <message>
        <source>&amp;Copy series</source>
        <translation>Serie &amp;kopieren</translation>
    </message>
    <message>
        <source>Copy the selected series&apos; exposition lines to the clipboard</source>
        <translation>Die Expositionszeilen der ausgewählten Serie in die Zwischenablage kopieren</translation>
    </message>
    <message>
        <source>Copy &amp;group as text</source>
        <translation>&amp;Gruppe als Text kopieren</translation>
    </message>
    <message>
        <source>Copy the whole group&apos;s exposition text to the clipboard</source>
        <translation>Den Expositionstext der ganzen Gruppe in die Zwischenablage kopieren</translation>
    </message>
    <message>
        <source>No group selected</source>
        <translation>Keine Gruppe ausgewählt</translation>
    </message>
</context>
<context>
    <name>qpgw::gui::PushLogModel</name>
    <message>
        <source>%1: %2</source>
        <comment>status code: reason</comment>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <source>Grouping key</source>
        <translation>Gruppierungsschlüssel</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
</context>
<context>
    <name>qpgw::gui::PushLogView</name>
    <message>
        <source>&amp;Failures only</source>
        <translation>Nur &amp;Fehlschläge</translation>
    </message>
    <message>
        <source>C&amp;lear</source>
        <translation>&amp;Leeren</translation>
    </message>
    <message>
        <source>Show only the pushes and deletes that were rejected</source>
        <translation>Nur die abgelehnten Pushes und Löschungen anzeigen</translation>
    </message>
    <message>
        <source>Empty the push log (the gateway&apos;s groups are not touched)</source>
        <translation>Das Push-Protokoll leeren (die Gruppen des Gateways bleiben unberührt)</translation>
    </message>
    <message>
        <source>Push log</source>
        <translation>Push-Protokoll</translation>
    </message>
</context>
<context>
    <name>qpgw::gui::ScrapeConfigDialog</name>
    <message>
        <source>Prometheus Scrape Configuration</source>
        <translation>Prometheus-Scrape-Konfiguration</translation>
    </message>
    <message>
        <source>Add this to the scrape_configs of prometheus.yml. If Prometheus runs on another machine, replace localhost with this machine&apos;s address.</source>
        <translation>Diesen Abschnitt unter scrape_configs in prometheus.yml einfügen. Läuft Prometheus auf einem anderen Rechner, localhost durch die Adresse dieses Rechners ersetzen.</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
</context>
<context>
    <name>qpgw::gui::SeriesTableModel</name>
    <message>
        <source>(no labels but the group&apos;s)</source>
        <translation>(keine Labels außer denen der Gruppe)</translation>
    </message>
    <message>
        <source>(the spans and counts do not match)</source>
        <translation>(Spans und Zählwerte passen nicht zusammen)</translation>
    </message>
    <message>
        <source>The series&apos; labels other than the group&apos;s (hover a cell for all)</source>
        <translation>Die Labels der Serie außer denen der Gruppe (alle im Tooltip einer Zelle)</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>Labels</translation>
    </message>
    <message>
        <source>The sample value</source>
        <translation>Der Messwert</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Number of observations</source>
        <translation>Anzahl der Beobachtungen</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <source>Sum of the observations</source>
        <translation>Summe der Beobachtungen</translation>
    </message>
    <message>
        <source>Sum</source>
        <translation>Summe</translation>
    </message>
    <message>
        <source>The %1 quantile</source>
        <translation>Das %1-Quantil</translation>
    </message>
    <message>
        <source>q %1</source>
        <translation>q %1</translation>
    </message>
    <message>
        <source>Observations less than or equal to %1 (cumulative)</source>
        <translation>Beobachtungen kleiner oder gleich %1 (kumulativ)</translation>
    </message>
    <message>
        <source>le %1</source>
        <translation>le %1</translation>
    </message>
    <message>
        <source>Native histogram schema: bucket bounds grow by 2^(2^-schema)</source>
        <translation>Schema des nativen Histogramms: Die Bucket-Grenzen wachsen um den Faktor 2^(2^-schema)</translation>
    </message>
    <message>
        <source>Schema</source>
        <translation>Schema</translation>
    </message>
    <message>
        <source>Width of the zero bucket, [-threshold, threshold]</source>
        <translation>Breite des Null-Buckets, [-Schwelle, Schwelle]</translation>
    </message>
    <message>
        <source>Zero threshold</source>
        <translation>Nullschwelle</translation>
    </message>
    <message>
        <source>Observations in the zero bucket</source>
        <translation>Beobachtungen im Null-Bucket</translation>
    </message>
    <message>
        <source>Zero count</source>
        <translation>Anzahl im Null-Bucket</translation>
    </message>
    <message>
        <source>Native buckets: range and observations in each</source>
        <translation>Native Buckets: Bereich und Beobachtungen je Bucket</translation>
    </message>
    <message>
        <source>Native buckets</source>
        <translation>Native Buckets</translation>
    </message>
</context>
<context>
    <name>qpgw::gui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>host:port, [::1]:port or :port (every interface); several separated by commas</source>
        <translation>host:port, [::1]:port oder :port (alle Schnittstellen); mehrere durch Kommas getrennt</translation>
    </message>
    <message>
        <source>Enable the ad&amp;min API (PUT /api/v1/admin/wipe deletes every group)</source>
        <translation>&amp;Admin-API aktivieren (PUT /api/v1/admin/wipe löscht alle Gruppen)</translation>
    </message>
    <message>
        <source>Enable the &amp;lifecycle API (PUT or POST /-/quit stops the gateway)</source>
        <translation>Li&amp;fecycle-API aktivieren (PUT oder POST /-/quit beendet das Gateway)</translation>
    </message>
    <message>
        <source>Empty: keep groups in memory only</source>
        <translation>Leer: Gruppen nur im Speicher halten</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Durchsuchen…</translation>
    </message>
    <message>
        <source>Listen &amp;addresses:</source>
        <translation>&amp;Lauschadressen:</translation>
    </message>
    <message>
        <source>&amp;Persistence file:</source>
        <translation>&amp;Persistenzdatei:</translation>
    </message>
    <message>
        <source>Gateway</source>
        <translation>Gateway</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Nie</translation>
    </message>
    <message>
        <source>days</source>
        <translation>Tage</translation>
    </message>
    <message>
        <source>hours</source>
        <translation>Stunden</translation>
    </message>
    <message>
        <source>minutes</source>
        <translation>Minuten</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>Sekunden</translation>
    </message>
    <message>
        <source>&amp;Keep the gateway running in the tray when the window is closed</source>
        <translation>Gateway im Infobereich &amp;weiterlaufen lassen, wenn das Fenster geschlossen wird</translation>
    </message>
    <message>
        <source>&amp;Notify when pushes to a group start failing</source>
        <translation>&amp;Benachrichtigen, wenn Pushes an eine Gruppe fehlzuschlagen beginnen</translation>
    </message>
    <message>
        <source>This desktop offers no system tray.</source>
        <translation>Dieser Desktop bietet keinen Infobereich.</translation>
    </message>
    <message>
        <source>Mark groups &amp;stale after:</source>
        <translation>Gruppen als &amp;veraltet markieren nach:</translation>
    </message>
    <message>
        <source>Console</source>
        <translation>Konsole</translation>
    </message>
    <message>
        <source>At least one listen address is needed.</source>
        <translation>Mindestens eine Lauschadresse ist nötig.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not host:port (for example 127.0.0.1:9091 or :9091).</source>
        <translation>„%1“ ist nicht host:port (zum Beispiel 127.0.0.1:9091 oder :9091).</translation>
    </message>
    <message>
        <source>Takes effect the next time QPushgateway starts; until then it keeps using %1.</source>
        <translation>Wirkt ab dem nächsten Start von QPushgateway; bis dahin wird weiter %1 verwendet.</translation>
    </message>
    <message>
        <source>memory only</source>
        <translation>nur der Speicher</translation>
    </message>
    <message>
        <source>Persistence File</source>
        <translation>Persistenzdatei</translation>
    </message>
</context>
</TS>
