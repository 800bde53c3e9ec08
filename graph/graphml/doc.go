// Package graphml writes a claim graph as GraphML, the XML graph format
// that Gephi, yEd and Cytoscape desktop open. Entities become nodes and
// statements become directed edges (undirected for symmetric relations);
// each edge carries its status and a readable digest of its claims (who
// asserts, who denies, in which sources, in what words), so the contested
// links stay visible in a layout tool.
package graphml
