package vigil.server.findings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * The free-text search's SQL: which findings contain a text in a searched column, found through the distinct
 * searched values ({@code search_terms}) or checked on each finding.
 */
final class TextSearch {
    private TextSearch() {}

    /**
     * The free-text condition: the values that contain the text, from the distinct values of the searched columns
     * ({@code search_terms}, trigram-indexed), decide exactly; the findings that have them come from the columns'
     * indexes. Binds {@code :text} (and {@code :match} on SQLite).
     */
    static String textCondition(boolean sqlite, String text, Map<String, Object> binds) {
        return anyBranch(sqlite, textBranches(sqlite, text, binds));
    }

    /** The alternatives of {@link #textCondition}, one per indexed way to the findings. */
    static List<String> textBranches(boolean sqlite, String text, Map<String, Object> binds) {
        String needle = text.toLowerCase(Locale.ROOT);
        binds.put("text", "%" + escapeLike(needle, sqlite ? '!' : '\\') + "%");
        if (sqlite && needle.codePointCount(0, needle.length()) >= 3) {
            // candidates from the FTS5 trigram index, as one phrase: operators and quotes inside are plain text
            binds.put("match", "\"" + needle.replace("\"", "\"\"") + "\"");
        }
        String contains = termsContaining(sqlite, binds);
        String hits = "(SELECT term FROM search_terms WHERE " + contains + ")";
        // rule ids, resource and package names through their own indexes; titles through the rules they occur with
        // (search_title_rules), then checked on the finding itself
        List<String> branches = List.of(
                "rule_id IN " + hits,
                "resource_name IN " + hits,
                PACKAGE_BRANCH + hits + ")",
                sqlite
                        ? "rule_id IN (SELECT rule_id FROM search_title_rules WHERE title IN " + hits
                                + ") AND title IN " + hits
                        // PostgreSQL keys the pairs by the title's digest (see SearchIndexMigration)
                        : "rule_id IN (SELECT rule_id FROM search_title_rules WHERE md5(title) IN (SELECT md5(term) FROM"
                                + " search_terms WHERE " + contains + ")) AND title IN " + hits);
        return branches;
    }

    /** The start of the package branch: findings whose vulnerability details name a matching package. */
    private static final String PACKAGE_BRANCH =
            "id IN (SELECT finding_id FROM vulnerability_details WHERE org_id = :org AND package_name IN ";

    /**
     * One branch as a source of the probe's keys. SQLite builds the whole list of an {@code id IN (SELECT ...)}
     * before it reads the first finding (a text in 196,000 findings' package names: a quarter of a second even when
     * the probe needs a few thousand), so there the package branch is a join driven by the details' package index,
     * which the probe's {@code LIMIT} stops early. The details are a subquery exposing only {@code finding_id}, so
     * {@code where}'s unqualified columns still mean the finding's.
     */
    private static String probeSource(boolean sqlite, String key, String where, String branch) {
        if (sqlite && branch.startsWith(PACKAGE_BRANCH)) {
            String packages = branch.substring(PACKAGE_BRANCH.length(), branch.length() - 1);
            return "SELECT findings.rowid FROM (SELECT finding_id FROM vulnerability_details WHERE org_id = :org AND"
                    + " package_name IN " + packages + ") AS d CROSS JOIN findings" + where
                    + " AND findings.id = d.finding_id";
        }
        return "SELECT " + key + " FROM findings" + where + " AND " + branch;
    }

    /** Any of a text condition's branches. */
    static String anyBranch(boolean sqlite, List<String> branches) {
        // Both planners, costing the OR of IN lists as a whole, walked the list index (SQLite) or filtered every
        // finding through hashed subplans (PostgreSQL: 0.8 s for a text found nowhere); the keys from one indexed
        // lookup per branch are what they should read, so they are told. PostgreSQL gets them as an array computed
        // once: as an IN list, tables not analyzed yet (estimated at one row) made it run the lookups again for
        // every finding.
        String key = sqlite ? "rowid" : "id";
        String keys = String.join(
                " UNION ALL ",
                branches.stream()
                        .map(branch -> "SELECT " + key + " FROM findings WHERE org_id = :org AND " + branch)
                        .toList());
        return sqlite ? "rowid IN (" + keys + ")" : "id = ANY(ARRAY(" + keys + "))";
    }

    /** The condition on {@code search_terms} for the text {@link #textCondition} bound (through FTS5 when it could). */
    static String termsContaining(boolean sqlite, Map<String, Object> binds) {
        // SQLite: LIKE alone ignores case as LOWER(..) LIKE would (see scanCondition)
        String like = sqlite ? "term LIKE :text ESCAPE '!'" : "LOWER(term) LIKE :text";
        return binds.containsKey("match")
                ? "term_id IN (SELECT rowid FROM search_term_text WHERE search_term_text MATCH :match) AND " + like
                : like;
    }

    /**
     * The text in any searched column, checked on the finding itself. SQLite's LIKE ignores the case of ASCII
     * letters, and its LOWER only lowers those, so there LIKE alone (escape '!') means what LOWER(..) LIKE means,
     * without a function call per column and row.
     */
    static String scanCondition(boolean sqlite, String findings) {
        // the package name last, as the only one read from another table (by key, when the others did not match)
        String pkg = "EXISTS (SELECT 1 FROM vulnerability_details d WHERE d.org_id = " + findings + ".org_id AND"
                + " d.finding_id = " + findings + ".id AND ";
        if (!sqlite) {
            return "(LOWER(title) LIKE :text OR LOWER(rule_id) LIKE :text OR LOWER(resource_name) LIKE :text OR " + pkg
                    + "LOWER(d.package_name) LIKE :text))";
        }
        return "(title LIKE :text ESCAPE '!' OR rule_id LIKE :text ESCAPE '!' OR resource_name LIKE :text ESCAPE '!'"
                + " OR " + pkg + "d.package_name LIKE :text ESCAPE '!'))";
    }

    /** {@code text} with LIKE's wildcards and the escape character taken literally. */
    static String escapeLike(String text, char escape) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' || c == '_' || c == escape) {
                escaped.append(escape);
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    /**
     * Whether more than {@code cap} findings meet the branches of a text condition (any of them) and the other
     * conditions. Matching findings are read until one more than the cap is seen: first among the first twice the
     * cap findings meeting the other conditions, each checked (a text in most findings ends here; its title branch
     * would first collect every rule its titles occur with), then from the branches' index lookups. A finding can
     * come from all five sources, so five times the cap plus one rows hold more than the cap distinct ones: the
     * query stops there at the latest (PostgreSQL reads through a cursor in the search's transaction).
     */
    static boolean moreMatchThan(
            Handle handle,
            boolean sqlite,
            int cap,
            List<String> branches,
            String where,
            Map<String, Object> binds,
            FindingQueries.Filter filter) {
        String key = sqlite ? "rowid" : "id";
        List<String> sources = new ArrayList<>();
        sources.add("SELECT k FROM (SELECT " + key + " AS k, org_id, id, title, rule_id, resource_name FROM findings"
                + where + " LIMIT :window) recent WHERE " + scanCondition(sqlite, "recent"));
        branches.forEach(branch -> sources.add(probeSource(sqlite, key, where, branch)));
        long limit = 5L * (cap + 1);
        if (!sqlite) {
            // each branch driven by its few matching values through the findings' indexes, never a hash of every
            // finding of the organization (a branch matching nothing took 137 ms that way)
            handle.execute("SET LOCAL enable_hashjoin = off");
            handle.execute("SET LOCAL enable_mergejoin = off");
        }
        boolean more = readsMoreThan(handle, cap, sources, limit, binds, filter);
        if (!sqlite) {
            // the count and the list plan freely again (a failure above ends the transaction anyway)
            handle.execute("RESET enable_hashjoin");
            handle.execute("RESET enable_mergejoin");
        }
        return more;
    }

    private static boolean readsMoreThan(
            Handle handle,
            int cap,
            List<String> sources,
            long limit,
            Map<String, Object> binds,
            FindingQueries.Filter filter) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        try (var keys = FindingQueries.bind(
                        handle.createQuery(
                                "SELECT k FROM (" + String.join(" UNION ALL ", sources) + ") matched LIMIT :probe"),
                        binds,
                        filter)
                .bind("window", 2L * cap + 2)
                .bind("probe", limit)
                .setFetchSize(1000)
                .mapTo(String.class)
                .iterator()) {
            while (keys.hasNext()) {
                if (seen.add(keys.next()) && seen.size() > cap) {
                    return true;
                }
            }
        }
        return false;
    }
}
