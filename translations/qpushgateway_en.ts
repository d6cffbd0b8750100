<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>qpgw::gui::FailureNotifier</name>
    <message numerus="yes">
        <source>Pushes to %n group(s) started failing</source>
        <translation>
            <numerusform>Pushes to %n group started failing</numerusform>
            <numerusform>Pushes to %n groups started failing</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>and %n more</source>
        <translation>
            <numerusform>and %n more</numerusform>
            <numerusform>and %n more</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qpgw::gui::GroupTreeModel</name>
    <message numerus="yes">
        <source>%n failing</source>
        <translation>
            <numerusform>%n failing</numerusform>
            <numerusform>%n failing</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n group(s)</source>
        <translation>
            <numerusform>%n group</numerusform>
            <numerusform>%n groups</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The last push to %n group(s) of this job failed.</source>
        <translation>
            <numerusform>The last push to %n group of this job failed.</numerusform>
            <numerusform>The last push to %n groups of this job failed.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qpgw::gui::HistogramChart</name>
    <message numerus="yes">
        <source>%n bucket(s), observations: %1</source>
        <translation>
            <numerusform>%n bucket, observations: %1</numerusform>
            <numerusform>%n buckets, observations: %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qpgw::gui::MainWindow</name>
    <message numerus="yes">
        <source>%n day(s) %1</source>
        <translation>
            <numerusform>%n day %1</numerusform>
            <numerusform>%n days %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n group(s)</source>
        <translation>
            <numerusform>%n group</numerusform>
            <numerusform>%n groups</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n series</source>
        <translation>
            <numerusform>%n series</numerusform>
            <numerusform>%n series</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Delete the group %1 and its %n series from the gateway?</source>
        <translation>
            <numerusform>Delete the group %1 and its %n series from the gateway?</numerusform>
            <numerusform>Delete the group %1 and its %n series from the gateway?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Delete all %n group(s) of the job &quot;%1&quot; from the gateway?</source>
        <translation>
            <numerusform>Delete the %n group of the job &quot;%1&quot; from the gateway?</numerusform>
            <numerusform>Delete all %n groups of the job &quot;%1&quot; from the gateway?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Delete every group (%n shown) of every job from the gateway?</source>
        <translation>
            <numerusform>Delete every group (%n shown) of every job from the gateway?</numerusform>
            <numerusform>Delete every group (%n shown) of every job from the gateway?</numerusform>
        </translation>
    </message>
</context>
</TS>
