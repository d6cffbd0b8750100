<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
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
        <translation>La passerelle n’a pas pu démarrer&#xa0;:
%1

Les paramètres sont conservés dans %2&#xa0;; les options de la ligne de commande (comme --web.listen-address) les remplacent.</translation>
    </message>
</context>
<context>
    <name>qpgw::gui::FailureNotifier</name>
    <message numerus="yes">
        <source>Pushes to %n group(s) started failing</source>
        <translation>
            <numerusform>Les push vers %n groupe ont commencé à échouer</numerusform>
            <numerusform>Les push vers %n groupes ont commencé à échouer</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>and %n more</source>
        <translation>
            <numerusform>et %n autre</numerusform>
            <numerusform>et %n autres</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qpgw::gui::FamilyTableModel</name>
    <message>
        <source>No HELP line</source>
        <translation>Pas de ligne HELP</translation>
    </message>
    <message>
        <source>The metric family&apos;s name</source>
        <translation>Le nom de la famille de métriques</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>Famille</translation>
    </message>
    <message>
        <source>The family&apos;s type, from its TYPE line</source>
        <translation>Le type de la famille, d’après sa ligne TYPE</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>The family&apos;s HELP text</source>
        <translation>Le texte HELP de la famille</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>Texte d’aide</translation>
    </message>
    <message>
        <source>Number of series in this group</source>
        <translation>Nombre de séries dans ce groupe</translation>
    </message>
    <message>
        <source>Series</source>
        <translation>Séries</translation>
    </message>
    <message>
        <source>counter</source>
        <translation>compteur</translation>
    </message>
    <message>
        <source>gauge</source>
        <translation>jauge</translation>
    </message>
    <message>
        <source>summary</source>
        <translation>résumé</translation>
    </message>
    <message>
        <source>untyped</source>
        <translation>sans type</translation>
    </message>
    <message>
        <source>histogram</source>
        <translation>histogramme</translation>
    </message>
    <message>
        <source>gauge histogram</source>
        <translation>histogramme jauge</translation>
    </message>
</context>
<context>
    <name>qpgw::gui::GroupTreeModel</name>
    <message>
        <source>(job only)</source>
        <translation>(job seul)</translation>
    </message>
    <message>
        <source>(no job)</source>
        <translation>(aucun job)</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Échec</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Last successful push: %1</source>
        <translation>Dernier push réussi&#xa0;: %1</translation>
    </message>
    <message>
        <source>No successful push yet</source>
        <translation>Aucun push réussi pour l’instant</translation>
    </message>
    <message>
        <source>The last push, at %1, failed.</source>
        <translation>Le dernier push, le %1, a échoué.</translation>
    </message>
    <message numerus="yes">
        <source>%n failing</source>
        <translation>
            <numerusform>%n en échec</numerusform>
            <numerusform>%n en échec</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n group(s)</source>
        <translation>
            <numerusform>%n groupe</numerusform>
            <numerusform>%n groupes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The last push to %n group(s) of this job failed.</source>
        <translation>
            <numerusform>Le dernier push vers %n groupe de ce job a échoué.</numerusform>
            <numerusform>Le dernier push vers %n groupes de ce job a échoué.</numerusform>
        </translation>
    </message>
    <message>
        <source>The job, and each group&apos;s grouping labels other than job</source>
        <translation>Le job, et pour chaque groupe ses labels de regroupement autres que job</translation>
    </message>
    <message>
        <source>Job / group</source>
        <translation>Job / groupe</translation>
    </message>
    <message>
        <source>Metric families pushed (without push_time_seconds and push_failure_time_seconds)</source>
        <translation>Familles de métriques poussées (sans push_time_seconds ni push_failure_time_seconds)</translation>
    </message>
    <message>
        <source>Families</source>
        <translation>Familles</translation>
    </message>
    <message>
        <source>Series pushed (without push_time_seconds and push_failure_time_seconds)</source>
        <translation>Séries poussées (sans push_time_seconds ni push_failure_time_seconds)</translation>
    </message>
    <message>
        <source>Series</source>
        <translation>Séries</translation>
    </message>
    <message>
        <source>Time since the last successful push</source>
        <translation>Temps écoulé depuis le dernier push réussi</translation>
    </message>
    <message>
        <source>Last push</source>
        <translation>Dernier push</translation>
    </message>
    <message>
        <source>Whether the last push failed; hover a failed one for the reason</source>
        <translation>Si le dernier push a échoué&#xa0;; survolez un échec pour en voir la raison</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <source>never</source>
        <translation>jamais</translation>
    </message>
    <message>
        <source>%1 s ago</source>
        <translation>il y a %1 s</translation>
    </message>
    <message>
        <source>%1 min ago</source>
        <translation>il y a %1 min</translation>
    </message>
    <message>
        <source>%1 h ago</source>
        <translation>il y a %1 h</translation>
    </message>
    <message>
        <source>%1 d ago</source>
        <translation>il y a %1 j</translation>
    </message>
    <message>
        <source>Stale</source>
        <translation>Périmé</translation>
    </message>
</context>
<context>
    <name>qpgw::gui::HistogramChart</name>
    <message>
        <source>Histogram buckets</source>
        <translation>Buckets de l’histogramme</translation>
    </message>
    <message>
        <source>No histogram selected</source>
        <translation>Aucun histogramme sélectionné</translation>
    </message>
    <message numerus="yes">
        <source>%n bucket(s), observations: %1</source>
        <translation>
            <numerusform>%n bucket, observations&#xa0;: %1</numerusform>
            <numerusform>%n buckets, observations&#xa0;: %1</numerusform>
        </translation>
    </message>
    <message>
        <source>max %1</source>
        <translation>max %1</translation>
    </message>
    <message>
        <source>%1: %2 observations</source>
        <translation>%1&#xa0;: %2 observations</translation>
    </message>
</context>
<context>
    <name>qpgw::gui::MainWindow</name>
    <message numerus="yes">
        <source>%n day(s) %1</source>
        <translation>
            <numerusform>%n jour %1</numerusform>
            <numerusform>%n jours %1</numerusform>
        </translation>
    </message>
    <message>
        <source>QPushgateway</source>
        <translation>QPushgateway</translation>
    </message>
    <message>
        <source>&amp;Delete Group…</source>
        <translation>&amp;Supprimer le groupe…</translation>
    </message>
    <message>
        <source>Delete the selected group from the gateway</source>
        <translation>Supprimer le groupe sélectionné de la passerelle</translation>
    </message>
    <message>
        <source>Delete All Groups of &amp;Job…</source>
        <translation>Supprimer tous les groupes du &amp;job…</translation>
    </message>
    <message>
        <source>Delete every group of the selected job from the gateway</source>
        <translation>Supprimer tous les groupes du job sélectionné de la passerelle</translation>
    </message>
    <message>
        <source>&amp;Wipe All Groups…</source>
        <translation>&amp;Effacer tous les groupes…</translation>
    </message>
    <message>
        <source>Delete every group from the gateway</source>
        <translation>Supprimer tous les groupes de la passerelle</translation>
    </message>
    <message>
        <source>Copy &amp;curl Command</source>
        <translation>Copier la commande &amp;curl</translation>
    </message>
    <message>
        <source>Copy a ready-to-paste command that pushes a sample to this gateway</source>
        <translation>Copier une commande prête à coller qui pousse un échantillon vers cette passerelle</translation>
    </message>
    <message>
        <source>&amp;Filter Groups</source>
        <translation>&amp;Filtrer les groupes</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>Filter by job, label value or metric name (Ctrl+F)</source>
        <translation>Filtrer par job, valeur de label ou nom de métrique (Ctrl+F)</translation>
    </message>
    <message>
        <source>Delete Group…</source>
        <translation>Supprimer le groupe…</translation>
    </message>
    <message>
        <source>Delete Job…</source>
        <translation>Supprimer le job…</translation>
    </message>
    <message>
        <source>Wipe All…</source>
        <translation>Tout effacer…</translation>
    </message>
    <message>
        <source>Listening on %1</source>
        <translation>À l’écoute sur %1</translation>
    </message>
    <message>
        <source>In memory only (no persistence file)</source>
        <translation>En mémoire seulement (pas de fichier de persistance)</translation>
    </message>
    <message>
        <source>Persisting to %1</source>
        <translation>Persistance dans %1</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>&amp;Groups</source>
        <translation>&amp;Groupes</translation>
    </message>
    <message>
        <source>Up %1</source>
        <translation>Actif depuis %1</translation>
    </message>
    <message numerus="yes">
        <source>%n group(s)</source>
        <translation>
            <numerusform>%n groupe</numerusform>
            <numerusform>%n groupes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n series</source>
        <translation>
            <numerusform>%n série</numerusform>
            <numerusform>%n séries</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 pushes/s</source>
        <translation>%1 push/s</translation>
    </message>
    <message>
        <source>Delete Group</source>
        <translation>Supprimer le groupe</translation>
    </message>
    <message numerus="yes">
        <source>Delete the group %1 and its %n series from the gateway?</source>
        <translation>
            <numerusform>Supprimer le groupe %1 et sa série (%n) de la passerelle&#xa0;?</numerusform>
            <numerusform>Supprimer le groupe %1 et ses %n séries de la passerelle&#xa0;?</numerusform>
        </translation>
    </message>
    <message>
        <source>Delete Job</source>
        <translation>Supprimer le job</translation>
    </message>
    <message numerus="yes">
        <source>Delete all %n group(s) of the job &quot;%1&quot; from the gateway?</source>
        <translation>
            <numerusform>Supprimer de la passerelle %n groupe du job «&#xa0;%1&#xa0;»&#xa0;?</numerusform>
            <numerusform>Supprimer de la passerelle les %n groupes du job «&#xa0;%1&#xa0;»&#xa0;?</numerusform>
        </translation>
    </message>
    <message>
        <source>Delete Groups</source>
        <translation>Supprimer les groupes</translation>
    </message>
    <message>
        <source>Wipe All Groups</source>
        <translation>Effacer tous les groupes</translation>
    </message>
    <message numerus="yes">
        <source>Delete every group (%n shown) of every job from the gateway?</source>
        <translation>
            <numerusform>Supprimer de la passerelle tous les groupes de tous les jobs (%n affiché)&#xa0;?</numerusform>
            <numerusform>Supprimer de la passerelle tous les groupes de tous les jobs (%n affichés)&#xa0;?</numerusform>
        </translation>
    </message>
    <message>
        <source>Wipe All</source>
        <translation>Tout effacer</translation>
    </message>
    <message>
        <source>Copied a curl push command to the clipboard</source>
        <translation>Commande curl de push copiée dans le presse-papiers</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Paramètres…</translation>
    </message>
    <message>
        <source>Prometheus Scrape Con&amp;fig…</source>
        <translation>Configuration de &amp;scrape Prometheus…</translation>
    </message>
    <message>
        <source>Show the scrape configuration Prometheus needs for this gateway</source>
        <translation>Afficher la configuration de scrape dont Prometheus a besoin pour cette passerelle</translation>
    </message>
    <message>
        <source>&amp;Show Window</source>
        <translation>&amp;Afficher la fenêtre</translation>
    </message>
    <message>
        <source>Go to &amp;Groups</source>
        <translation>Aller aux &amp;groupes</translation>
    </message>
    <message>
        <source>Go to &amp;Metrics</source>
        <translation>Aller aux &amp;métriques</translation>
    </message>
    <message>
        <source>Go to Push &amp;Log</source>
        <translation>Aller au &amp;journal des push</translation>
    </message>
    <message>
        <source>Scrape config…</source>
        <translation>Configuration de scrape…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <source>saving failed at %1: %2</source>
        <translation>échec de l’enregistrement à %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>last saved %1</source>
        <translation>dernier enregistrement à %1</translation>
    </message>
    <message>
        <source>QPushgateway on %1</source>
        <translation>QPushgateway sur %1</translation>
    </message>
    <message>
        <source>Could not listen on %1 (%2); still listening on %3</source>
        <translation>Impossible d’écouter sur %1 (%2)&#xa0;; toujours à l’écoute sur %3</translation>
    </message>
    <message>
        <source>QPushgateway is still running</source>
        <translation>QPushgateway est toujours en cours d’exécution</translation>
    </message>
    <message>
        <source>The gateway keeps accepting pushes. Use the tray icon to show the window or quit.</source>
        <translation>La passerelle continue d’accepter les push. Utilisez l’icône de la zone de notification pour afficher la fenêtre ou quitter.</translation>
    </message>
    <message>
        <source>Filter groups</source>
        <translation>Filtrer les groupes</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>Groupes</translation>
    </message>
    <message>
        <source>Gateway</source>
        <translation>Passerelle</translation>
    </message>
</context>
<context>
    <name>qpgw::gui::MetricViewer</name>
    <message>
        <source>Metric viewer</source>
        <translation>Visionneuse de métriques</translation>
    </message>
    <message>
        <source>Metric families</source>
        <translation>Familles de métriques</translation>
    </message>
    <message>
        <source>Series</source>
        <translation>Séries</translation>
    </message>
    <message>
        <source>&amp;Copy series</source>
        <translation>&amp;Copier la série</translation>
    </message>
    <message>
        <source>Copy the selected series&apos; exposition lines to the clipboard</source>
        <translation>Copier les lignes d’exposition de la série sélectionnée dans le presse-papiers</translation>
    </message>
    <message>
        <source>Copy &amp;group as text</source>
        <translation>Copier le &amp;groupe en texte</translation>
    </message>
    <message>
        <source>Copy the whole group&apos;s exposition text to the clipboard</source>
        <translation>Copier le texte d’exposition de tout le groupe dans le presse-papiers</translation>
    </message>
    <message>
        <source>No group selected</source>
        <translation>Aucun groupe sélectionné</translation>
    </message>
</context>
<context>
    <name>qpgw::gui::PushLogModel</name>
    <message>
        <source>%1: %2</source>
        <comment>status code: reason</comment>
        <translation>%1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Méthode</translation>
    </message>
    <message>
        <source>Grouping key</source>
        <translation>Clé de regroupement</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Résultat</translation>
    </message>
</context>
<context>
    <name>qpgw::gui::PushLogView</name>
    <message>
        <source>&amp;Failures only</source>
        <translation>&amp;Uniquement les échecs</translation>
    </message>
    <message>
        <source>C&amp;lear</source>
        <translation>&amp;Vider</translation>
    </message>
    <message>
        <source>Show only the pushes and deletes that were rejected</source>
        <translation>N’afficher que les push et les suppressions rejetés</translation>
    </message>
    <message>
        <source>Empty the push log (the gateway&apos;s groups are not touched)</source>
        <translation>Vider le journal des push (les groupes de la passerelle ne sont pas touchés)</translation>
    </message>
    <message>
        <source>Push log</source>
        <translation>Journal des push</translation>
    </message>
</context>
<context>
    <name>qpgw::gui::ScrapeConfigDialog</name>
    <message>
        <source>Prometheus Scrape Configuration</source>
        <translation>Configuration de scrape Prometheus</translation>
    </message>
    <message>
        <source>Add this to the scrape_configs of prometheus.yml. If Prometheus runs on another machine, replace localhost with this machine&apos;s address.</source>
        <translation>Ajoutez ceci aux scrape_configs de prometheus.yml. Si Prometheus tourne sur une autre machine, remplacez localhost par l’adresse de cette machine.</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Copier</translation>
    </message>
</context>
<context>
    <name>qpgw::gui::SeriesTableModel</name>
    <message>
        <source>(no labels but the group&apos;s)</source>
        <translation>(aucun label hormis ceux du groupe)</translation>
    </message>
    <message>
        <source>(the spans and counts do not match)</source>
        <translation>(les spans et les comptes ne correspondent pas)</translation>
    </message>
    <message>
        <source>The series&apos; labels other than the group&apos;s (hover a cell for all)</source>
        <translation>Les labels de la série autres que ceux du groupe (survolez une cellule pour les voir tous)</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>Labels</translation>
    </message>
    <message>
        <source>The sample value</source>
        <translation>La valeur de l’échantillon</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valeur</translation>
    </message>
    <message>
        <source>Number of observations</source>
        <translation>Nombre d’observations</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Sum of the observations</source>
        <translation>Somme des observations</translation>
    </message>
    <message>
        <source>Sum</source>
        <translation>Somme</translation>
    </message>
    <message>
        <source>The %1 quantile</source>
        <translation>Le quantile %1</translation>
    </message>
    <message>
        <source>q %1</source>
        <translation>q %1</translation>
    </message>
    <message>
        <source>Observations less than or equal to %1 (cumulative)</source>
        <translation>Observations inférieures ou égales à %1 (cumulatif)</translation>
    </message>
    <message>
        <source>le %1</source>
        <translation>le %1</translation>
    </message>
    <message>
        <source>Native histogram schema: bucket bounds grow by 2^(2^-schema)</source>
        <translation>Schéma de l’histogramme natif&#xa0;: les bornes des buckets croissent d’un facteur 2^(2^-schema)</translation>
    </message>
    <message>
        <source>Schema</source>
        <translation>Schéma</translation>
    </message>
    <message>
        <source>Width of the zero bucket, [-threshold, threshold]</source>
        <translation>Largeur du bucket zéro, [-seuil, seuil]</translation>
    </message>
    <message>
        <source>Zero threshold</source>
        <translation>Seuil zéro</translation>
    </message>
    <message>
        <source>Observations in the zero bucket</source>
        <translation>Observations dans le bucket zéro</translation>
    </message>
    <message>
        <source>Zero count</source>
        <translation>Compte du bucket zéro</translation>
    </message>
    <message>
        <source>Native buckets: range and observations in each</source>
        <translation>Buckets natifs&#xa0;: plage et observations de chacun</translation>
    </message>
    <message>
        <source>Native buckets</source>
        <translation>Buckets natifs</translation>
    </message>
</context>
<context>
    <name>qpgw::gui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>host:port, [::1]:port or :port (every interface); several separated by commas</source>
        <translation>host:port, [::1]:port ou :port (toutes les interfaces)&#xa0;; plusieurs séparées par des virgules</translation>
    </message>
    <message>
        <source>Enable the ad&amp;min API (PUT /api/v1/admin/wipe deletes every group)</source>
        <translation>Activer l’API d’a&amp;dministration (PUT /api/v1/admin/wipe supprime tous les groupes)</translation>
    </message>
    <message>
        <source>Enable the &amp;lifecycle API (PUT or POST /-/quit stops the gateway)</source>
        <translation>Activer l’API de &amp;cycle de vie (PUT ou POST /-/quit arrête la passerelle)</translation>
    </message>
    <message>
        <source>Empty: keep groups in memory only</source>
        <translation>Vide&#xa0;: garder les groupes en mémoire seulement</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Parcourir…</translation>
    </message>
    <message>
        <source>Listen &amp;addresses:</source>
        <translation>&amp;Adresses d’écoute&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Persistence file:</source>
        <translation>&amp;Fichier de persistance&#xa0;:</translation>
    </message>
    <message>
        <source>Gateway</source>
        <translation>Passerelle</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Jamais</translation>
    </message>
    <message>
        <source>days</source>
        <translation>jours</translation>
    </message>
    <message>
        <source>hours</source>
        <translation>heures</translation>
    </message>
    <message>
        <source>minutes</source>
        <translation>minutes</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>secondes</translation>
    </message>
    <message>
        <source>&amp;Keep the gateway running in the tray when the window is closed</source>
        <translation>&amp;Garder la passerelle active dans la zone de notification quand la fenêtre est fermée</translation>
    </message>
    <message>
        <source>&amp;Notify when pushes to a group start failing</source>
        <translation>&amp;Notifier quand les push vers un groupe commencent à échouer</translation>
    </message>
    <message>
        <source>This desktop offers no system tray.</source>
        <translation>Ce bureau n’offre pas de zone de notification.</translation>
    </message>
    <message>
        <source>Mark groups &amp;stale after:</source>
        <translation>&amp;Marquer les groupes comme périmés après&#xa0;:</translation>
    </message>
    <message>
        <source>Console</source>
        <translation>Console</translation>
    </message>
    <message>
        <source>At least one listen address is needed.</source>
        <translation>Au moins une adresse d’écoute est nécessaire.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not host:port (for example 127.0.0.1:9091 or :9091).</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas de la forme host:port (par exemple 127.0.0.1:9091 ou :9091).</translation>
    </message>
    <message>
        <source>Takes effect the next time QPushgateway starts; until then it keeps using %1.</source>
        <translation>Prend effet au prochain démarrage de QPushgateway&#xa0;; d’ici là, il continue d’utiliser %1.</translation>
    </message>
    <message>
        <source>memory only</source>
        <translation>la mémoire seulement</translation>
    </message>
    <message>
        <source>Persistence File</source>
        <translation>Fichier de persistance</translation>
    </message>
</context>
</TS>
